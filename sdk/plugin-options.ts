// The options every resource, provider and invoke of the plugin SDK carries: the plugin's version
// and where to download it, so the engine finds (or fetches) the plugin this SDK was made with.
import { PLUGIN_DOWNLOAD_URL, PLUGIN_VERSION } from "../provider/engine/plugin-package.js";

/** `opts` with the plugin's version and download address, unless the program set its own. */
export function pluginOptions<T extends { version?: string; pluginDownloadURL?: string }>(opts: T | undefined): T {
  return { version: PLUGIN_VERSION, pluginDownloadURL: PLUGIN_DOWNLOAD_URL, ...opts } as T;
}
