// CPU and heap profiles of this process on demand, through node:inspector (no restart, no flags). The
// results open in Chrome DevTools or VS Code: .cpuprofile JSON and .heapsnapshot JSON.
import { Session } from "node:inspector/promises";

/** At most this long a CPU profile may run: a forgotten request must not profile forever. */
export const MAX_PROFILE_SECONDS = 120;

/** One profiler at a time per process; a second request while one runs is refused, not queued. */
export interface Profiler {
  /** Profiles the CPU for `seconds` and resolves with the .cpuprofile JSON; rejects with ProfilerBusy while another runs. */
  cpuProfile(seconds: number): Promise<string>;
  /** Takes a heap snapshot and writes its JSON in chunks as V8 produces them. */
  heapSnapshot(write: (chunk: string) => void): Promise<void>;
}

/** Thrown when a profile is requested while another one is running. */
export class ProfilerBusy extends Error {
  override readonly name = "ProfilerBusy";
}

/** Creates the process's profiler. */
export function createProfiler(): Profiler {
  let busy = false;
  async function exclusive<T>(run: (session: Session) => Promise<T>): Promise<T> {
    if (busy) throw new ProfilerBusy("another profile is being taken; try again when it is done");
    busy = true;
    const session = new Session();
    session.connect();
    try {
      return await run(session);
    } finally {
      session.disconnect();
      busy = false;
    }
  }
  return {
    cpuProfile(seconds) {
      const ms = Math.min(Math.max(seconds, 0.1), MAX_PROFILE_SECONDS) * 1000;
      return exclusive(async (session) => {
        await session.post("Profiler.enable");
        await session.post("Profiler.start");
        await new Promise((resolve) => setTimeout(resolve, ms));
        const { profile } = await session.post("Profiler.stop");
        await session.post("Profiler.disable");
        return JSON.stringify(profile);
      });
    },
    heapSnapshot(write) {
      return exclusive(async (session) => {
        const onChunk = (message: { params: { chunk: string } }): void => write(message.params.chunk);
        session.on("HeapProfiler.addHeapSnapshotChunk", onChunk);
        try {
          await session.post("HeapProfiler.takeHeapSnapshot", { reportProgress: false });
        } finally {
          session.off("HeapProfiler.addHeapSnapshotChunk", onChunk);
        }
      });
    },
  };
}
