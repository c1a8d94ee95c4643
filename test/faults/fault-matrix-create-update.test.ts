// The fault matrix for create and update, through the real CLI against the emulator.
import { faultMatrixSuite } from "./fault-matrix-suite.js";

faultMatrixSuite(["create", "update"]);
