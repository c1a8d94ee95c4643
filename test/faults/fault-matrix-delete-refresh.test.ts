// The fault matrix for delete and refresh, through the real CLI against the emulator.
import { faultMatrixSuite } from "./fault-matrix-suite.js";

faultMatrixSuite(["delete", "refresh"]);
