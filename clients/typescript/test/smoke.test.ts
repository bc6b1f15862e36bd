import { describe, expect, it } from "vitest";
import { clientFor } from "./support/context.js";

describe("a demo job", () => {
  it("is submitted and streamed to completion", async () => {
    const client = clientFor();
    const submitted = await client.submit({ type: "demo", data: { steps: 3 } });
    expect(submitted.created).toBe(true);
    const seen: string[] = [];
    const end = await client.streamJob(submitted.jobId, { onEvent: (e) => seen.push(e.event) });
    expect(end.final.event).toBe("completed");
    expect(seen[0]).toBe("snapshot");
    const job = await client.getJob(submitted.jobId);
    expect(job.status).toBe("completed");
  });
});
