// @vitest-environment jsdom
import { act, cleanup, renderHook, waitFor } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import { useJob } from "../../src/react/index.js";
import { providerOf, recordedClient } from "./support.js";

afterEach(cleanup);

describe("useJob", () => {
  it("follows a demo job over SSE to completion, with its progress", async () => {
    const { client } = recordedClient();
    const { jobId } = await client.submit({ type: "demo", data: { steps: 10, stepSeconds: 0.05 } });
    const tasks = new Set<string>();
    const { result } = renderHook(
      () => {
        const state = useJob(jobId);
        if (state.progress.currentTask) tasks.add(state.progress.currentTask);
        return state;
      },
      { wrapper: providerOf(client) },
    );
    await waitFor(() => expect(result.current.status).toBe("completed"), { timeout: 15_000 });
    expect(result.current.transport).toBe("push");
    expect(result.current.progress.percentage).toBe(100);
    expect(result.current.job?.result).toEqual({ steps: 10, attempt: 1 });
    expect(result.current.isFinal).toBe(true);
    expect(tasks.size).toBeGreaterThan(1);
  });
});
