import type { EngineEvent } from "@pulumi/pulumi/automation";

/** Records "<op> <resource name>" for each resource step that changes something (stack and providers left out). */
export function opsRecorder(): { onEvent: (e: EngineEvent) => void; ops: string[] } {
  const ops: string[] = [];
  return {
    ops,
    onEvent: (e) => {
      const meta = e.resOutputsEvent?.metadata;
      if (!meta || meta.op === "same" || meta.type === "pulumi:pulumi:Stack" || meta.type.startsWith("pulumi:providers:")) return;
      ops.push(`${meta.op} ${meta.urn.split("::").pop() ?? meta.urn}`);
    },
  };
}

/** Every diagnostic line the engine reported, for assertions on what a user sees. */
export function diagnosticsRecorder(): { onEvent: (e: EngineEvent) => void; messages: string[] } {
  const messages: string[] = [];
  return {
    messages,
    onEvent: (e) => {
      if (e.diagnosticEvent) messages.push(`${e.diagnosticEvent.severity}: ${e.diagnosticEvent.message}`);
    },
  };
}
