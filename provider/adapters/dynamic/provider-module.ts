// The provider as a module of its own. Installed under node_modules, this module object is what
// every KeyRotation hands Pulumi, which stores a captured module as one `require(...)` line. It
// loads the runtime (zod, undici, the client) only when the engine calls it, inside the
// dynamic-provider process, so the user's program never pays for loading it.
import type * as pulumi from "@pulumi/pulumi";
import { loadRuntime as rt } from "./runtime-loader.js";

type Props = Record<string, unknown>;

export const configure = (req: pulumi.dynamic.ConfigureRequest): Promise<void> => rt().configure(req);
export const check = (olds: Props, news: Props): Promise<pulumi.dynamic.CheckResult> => rt().check(olds, news);
export const diff = (id: string, olds: Props, news: Props): Promise<pulumi.dynamic.DiffResult> => rt().diff(id, olds, news);
export const create = (inputs: Props): Promise<pulumi.dynamic.CreateResult> => rt().create(inputs);
export const read = (id: string, props?: Props): Promise<pulumi.dynamic.ReadResult> => rt().read(id, props ?? {});
export const update = (id: string, olds: Props, news: Props): Promise<pulumi.dynamic.UpdateResult> => rt().update(id, olds, news);
const remove = (id: string, props: Props): Promise<void> => rt().delete(id, props);
// `delete` is a reserved word: it can only be an export name. The engine calls provider.delete.
export { remove as delete };
