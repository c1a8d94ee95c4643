// A gRPC service implementation that can be registered, and the port printed, before the real one
// is loaded: each handler waits for it. The engine reads the port, then connects and shakes hands,
// and meanwhile the plugin loads its own modules (the KMS client, its schemas, undici): about half
// of its start-up, which no longer stands between spawning it and the port.
import { status, type ServiceDefinition, type ServiceError, type UntypedHandleCall, type UntypedServiceImplementation } from "@grpc/grpc-js";

type Unary = (call: unknown, callback: (error: Partial<ServiceError> | null, value?: unknown) => void) => void;
type Streaming = (call: { emit(event: "error", error: Partial<ServiceError>): boolean }) => void;

export interface DeferredService {
  /** What to register with addService. */
  implementation: UntypedServiceImplementation;
  /** Loads the real implementation (once); handlers called earlier wait for it. */
  load(): Promise<UntypedServiceImplementation>;
}

/** The answer grpc-js gives for a method the implementation lacks (the engine reads UNIMPLEMENTED as "optional method absent"). */
function unimplemented(name: string): Partial<ServiceError> {
  return { code: status.UNIMPLEMENTED, details: `The server does not implement the method ${name}` };
}

export function deferredService(definition: ServiceDefinition, factory: () => Promise<UntypedServiceImplementation>): DeferredService {
  let loading: Promise<UntypedServiceImplementation> | undefined;
  const load = (): Promise<UntypedServiceImplementation> => (loading ??= factory());
  const implementation: UntypedServiceImplementation = {};
  for (const [name, method] of Object.entries(definition)) {
    /** The real handler, looked up as grpc-js does: by key, else by the method's original name. */
    const real = (impl: UntypedServiceImplementation): UntypedHandleCall | undefined =>
      impl[name] ?? (typeof method.originalName === "string" ? impl[method.originalName] : undefined);
    // Unary and client-streaming calls answer through a callback; the others through the call.
    if (!method.responseStream) {
      const handler: Unary = (call, callback) => {
        void load().then((impl) => {
          const fn = real(impl) as Unary | undefined;
          if (fn === undefined) callback(unimplemented(name), null);
          else fn.call(impl, call, callback);
        });
      };
      implementation[name] = handler as UntypedHandleCall;
    } else {
      const handler: Streaming = (call) => {
        void load().then((impl) => {
          const fn = real(impl) as Streaming | undefined;
          if (fn === undefined) call.emit("error", unimplemented(name));
          else fn.call(impl, call);
        });
      };
      implementation[name] = handler as UntypedHandleCall;
    }
  }
  return { implementation, load };
}
