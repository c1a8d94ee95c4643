// The link checker the tarball test relies on: it must see links where GitHub and npm render them,
// skip code, and name every link that lands nowhere. A checker that found nothing would let any
// dead link through, so each kind of dead link is shown to be caught.
import { describe, expect, it } from "vitest";
import { deadLinks, headingAnchors, headingSlug, markdownLinks } from "../../harness/markdown-links.js";

const README = [
  "---",
  "title: [not](a-link.md)",
  "---",
  "# The `KeyRotation` resource",
  "See [install](docs/install.md#the-plugin), [the resource](#the-keyrotation-resource) and ![logo](img/logo.png).",
  "Not links: `[code](nowhere.md)` and a link to [Pulumi](https://www.pulumi.com/docs/).",
  "```md",
  "[fenced](nowhere-either.md)",
  "```",
  "  - a list item with a fence:",
  "    ```sh",
  "    [indented fence](nor-here.md)",
  "    ```",
  "[ref]: examples/basic",
].join("\n");

const INSTALL = ["# Install", "## The plugin", "## The plugin", "Back to the [README](../README.md)."].join("\n");

describe("the Markdown link checker", () => {
  it("finds inline links, images and reference definitions, and skips front matter, code spans and fenced blocks", () => {
    expect(markdownLinks(README)).toEqual([
      { target: "docs/install.md#the-plugin", line: 5 },
      { target: "#the-keyrotation-resource", line: 5 },
      { target: "img/logo.png", line: 5 },
      { target: "https://www.pulumi.com/docs/", line: 6 },
      { target: "examples/basic", line: 14 },
    ]);
  });

  it("makes GitHub's anchors: code and punctuation dropped, repeated headings numbered", () => {
    expect(headingSlug("Functions: `listKeys` and `getKeyRotation`")).toBe("functions-listkeys-and-getkeyrotation");
    expect(headingSlug("`pulumi import` on the command line")).toBe("pulumi-import-on-the-command-line");
    expect([...headingAnchors(INSTALL)]).toEqual(["install", "the-plugin", "the-plugin-1"]);
  });

  it("passes links that land on a file, a folder or a heading of the set", () => {
    const files = { "README.md": README, "docs/install.md": INSTALL, "img/logo.png": "", "examples/basic/index.ts": "" };
    expect(deadLinks(Object.keys(files), (f) => files[f as keyof typeof files])).toEqual([]);
  });

  it("names each link to a missing file, a missing heading or a place above the root", () => {
    const files = {
      "README.md": "[gone](docs/gone.md) [anchor](docs/install.md#no-such-heading) [up](../outside.md) [self](#nowhere)",
      "docs/install.md": INSTALL,
    };
    expect(deadLinks(Object.keys(files), (f) => files[f as keyof typeof files])).toEqual([
      "README.md:1: docs/gone.md (no such file: docs/gone.md)",
      "README.md:1: docs/install.md#no-such-heading (no heading #no-such-heading in docs/install.md)",
      "README.md:1: ../outside.md (outside the set)",
      "README.md:1: #nowhere (no heading #nowhere in README.md)",
    ]);
  });
});
