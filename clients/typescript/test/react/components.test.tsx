// @vitest-environment jsdom
import { act, cleanup, fireEvent, render, renderHook, screen, waitFor, within } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import { GenqueueClient } from "../../src/index.js";
import { GenqueueProvider, JobCard, JobList, ProgressBar, useGenqueueClient, useJobs } from "../../src/react/index.js";
import { baseUrl, tokenFor } from "../support/context.js";
import { clientWithoutSocket, providerOf, recordedClient } from "./support.js";

afterEach(cleanup);

describe("GenqueueProvider", () => {
  it("makes a client from baseUrl and token; a new token does not restart the hooks", async () => {
    const sub = `u-provider-${Date.now()}`;
    const first = new GenqueueClient({ baseUrl: baseUrl(), token: tokenFor(sub) });
    const { jobId } = await first.submit({ type: "demo", data: { steps: 10, stepSeconds: 0.05 } });
    const seen = new Set<GenqueueClient>();
    function Probe() {
      seen.add(useGenqueueClient());
      return null;
    }
    const view = (token: string) => (
      <GenqueueProvider baseUrl={baseUrl()} token={token}>
        <Probe />
        <JobCard jobId={jobId} title="Mine" />
      </GenqueueProvider>
    );
    const { rerender } = render(view(tokenFor(sub)));
    rerender(view(tokenFor(sub)));
    await waitFor(() => expect(screen.getByRole("status").textContent).toBe("Completed"), { timeout: 10_000 });
    expect(seen.size).toBe(1);
  });

  it("is required by useGenqueueClient", () => {
    expect(() => renderHook(() => useGenqueueClient())).toThrow(/GenqueueProvider/);
  });
});

describe("ProgressBar", () => {
  it("is an ARIA progressbar with the percentage and the current task", () => {
    render(
      <ProgressBar progress={{ percentage: 40, current: 2, total: 5, currentTask: "Step 2 of 5" }} label="Demo" />,
    );
    const bar = screen.getByRole("progressbar", { name: "Demo" });
    expect(bar.getAttribute("aria-valuenow")).toBe("40");
    expect(bar.getAttribute("aria-valuemin")).toBe("0");
    expect(bar.getAttribute("aria-valuemax")).toBe("100");
    expect(bar.getAttribute("aria-valuetext")).toBe("40% · 2 of 5 · Step 2 of 5");
    expect(screen.getByText("40%")).toBeTruthy();
    expect(screen.getByText("Step 2 of 5")).toBeTruthy();
  });

  it("takes a bare number (seeds 001 and 004) and clamps it", () => {
    const { rerender } = render(<ProgressBar progress={60} currentTask="Image generation started" />);
    expect(screen.getByRole("progressbar").getAttribute("aria-valuenow")).toBe("60");
    expect(screen.getByText("Image generation started")).toBeTruthy();
    rerender(<ProgressBar progress={140} />);
    expect(screen.getByRole("progressbar").getAttribute("aria-valuenow")).toBe("100");
  });
});

describe("JobCard", () => {
  it("shows a live job's status and progress until it completes", async () => {
    const { client } = recordedClient();
    const { jobId } = await client.submit({ type: "demo", data: { steps: 10, stepSeconds: 0.05 } });
    render(
      <GenqueueProvider client={client}>
        <JobCard jobId={jobId} title="Demo job">
          <p>All done</p>
        </JobCard>
      </GenqueueProvider>,
    );
    expect(screen.getByRole("heading", { name: "Demo job" })).toBeTruthy();
    await waitFor(() => expect(screen.getByRole("status").textContent).toBe("Running"), { timeout: 10_000 });
    expect(screen.getByRole("button", { name: "Cancel" })).toBeTruthy();
    await waitFor(() => expect(screen.getByRole("status").textContent).toBe("Completed"), { timeout: 10_000 });
    const bar = screen.getByRole("progressbar");
    expect(bar.getAttribute("aria-valuenow")).toBe("100");
    expect(bar.getAttribute("aria-valuetext")).toContain("Step 10 of 10");
    expect(screen.getByText("All done")).toBeTruthy();
    expect(screen.queryByRole("button", { name: "Cancel" })).toBeNull();
    expect(screen.queryByRole("button", { name: "Retry" })).toBeNull();
  });

  it("shows the failure reason and retries from its button; Cancel cancels", async () => {
    const { client } = recordedClient();
    const failing = await client.submit({ type: "demo", data: { steps: 2, stepSeconds: 0.01, failAttempts: 3 } });
    const long = await client.submit({ type: "demo", data: { steps: 200, stepSeconds: 0.05 } });
    render(
      <GenqueueProvider client={client}>
        <JobCard jobId={failing.jobId} title="Failing" />
        <JobCard jobId={long.jobId} title="Long" />
      </GenqueueProvider>,
    );
    const longCard = screen.getByRole("heading", { name: "Long" }).closest("article") as HTMLElement;
    await waitFor(() => expect(within(longCard).getByRole("status").textContent).toBe("Running"), {
      timeout: 10_000,
    });
    fireEvent.click(within(longCard).getByRole("button", { name: "Cancel" }));
    await waitFor(() => expect(within(longCard).getByRole("status").textContent).toBe("Cancelled"), {
      timeout: 10_000,
    });
    expect(within(longCard).getByRole("button", { name: "Retry" })).toBeTruthy();

    const card = screen.getByRole("heading", { name: "Failing" }).closest("article") as HTMLElement;
    await waitFor(() => expect(within(card).getByText(/^Attempt failed: demo failure on attempt 1/)).toBeTruthy(), {
      timeout: 10_000,
    });
    await waitFor(() => expect(within(card).getByRole("status").textContent).toBe("Failed"), { timeout: 20_000 });
    expect(within(card).getByRole("alert").textContent).toBe("demo failure on attempt 3 (failAttempts=3)");
    fireEvent.click(within(card).getByRole("button", { name: "Retry" }));
    await waitFor(() => expect(within(card).getByRole("status").textContent).not.toBe("Failed"), {
      timeout: 10_000,
    });
    await client.cancel(long.jobId).catch(() => undefined);
  }, 40_000);
});

describe("JobCard's buttons while their request runs", () => {
  it("disables Cancel from the click on (the DELETE's cancelRequested after it) and Retry while retrying", async () => {
    const { client } = recordedClient();
    const long = await client.submit({ type: "demo", data: { steps: 200, stepSeconds: 0.05 } });
    render(
      <GenqueueProvider client={client}>
        <JobCard jobId={long.jobId} title="Long" />
      </GenqueueProvider>,
    );
    await waitFor(() => expect(screen.getByRole("status").textContent).toBe("Running"), { timeout: 10_000 });
    const cancel = screen.getByRole("button", { name: "Cancel" }) as HTMLButtonElement;
    fireEvent.click(cancel);
    const cancelling = screen.getByRole("button", { name: "Cancelling…" }) as HTMLButtonElement;
    expect(cancelling.disabled).toBe(true);
    await waitFor(() => expect(screen.getByRole("status").textContent).toBe("Cancelled"), { timeout: 10_000 });
    fireEvent.click(screen.getByRole("button", { name: "Retry" }));
    const retrying = screen.getByRole("button", { name: "Retrying…" }) as HTMLButtonElement;
    expect(retrying.disabled).toBe(true);
    await waitFor(() => expect(screen.getByRole("status").textContent).toBe("Running"), { timeout: 10_000 });
    await act(() => client.cancel(long.jobId).then(() => undefined));
  }, 30_000);
});

describe("useJobs", () => {
  it("is live over the socket: a job submitted elsewhere shows up, and its end, within a second", async () => {
    const sub = `u-live-${crypto.randomUUID()}`;
    const { client, log } = recordedClient(undefined, sub);
    const elsewhere = new GenqueueClient({ baseUrl: baseUrl(), token: tokenFor(sub) });
    // refreshMs 0: no polling at all, only the socket's events reload the page
    const { result } = renderHook(() => useJobs({ refreshMs: 0 }), { wrapper: providerOf(client) });
    await waitFor(() => expect(result.current.isLive).toBe(true), { timeout: 10_000 });
    expect(result.current.jobs).toEqual([]);
    const submittedAt = Date.now();
    const { jobId } = await elsewhere.submit({ type: "demo", data: { steps: 20, stepSeconds: 0.05 } });
    // 250 ms of coalescing + one load: under a second (1.5 s of margin for a busy machine)
    await waitFor(() => expect(result.current.jobs.map((j) => j.jobId)).toEqual([jobId]), { timeout: 1_500 });
    expect(Date.now() - submittedAt).toBeLessThan(1_500);
    const end = await elsewhere.streamJob(jobId);
    const endedAt = Date.now();
    expect(end.final.event).toBe("completed");
    await waitFor(() => expect(result.current.jobs[0]?.status).toBe("completed"), { timeout: 1_500 });
    expect(Date.now() - endedAt).toBeLessThan(1_500);
    await new Promise((r) => setTimeout(r, 400)); // the reload the final events asked for
    const loads = log.sent.filter((r) => r === "GET /api/v1/jobs").length;
    await new Promise((r) => setTimeout(r, 600));
    expect(log.sent.filter((r) => r === "GET /api/v1/jobs").length).toBe(loads); // quiet: no reloads
  }, 20_000);

  it("polls instead when the socket cannot connect", async () => {
    const { client, log } = clientWithoutSocket();
    await client.submit({ type: "demo", data: { steps: 10, stepSeconds: 0.05 } });
    const { result } = renderHook(() => useJobs({ refreshMs: 100 }), { wrapper: providerOf(client) });
    await waitFor(() => expect(result.current.jobs[0]?.status).toBe("completed"), { timeout: 10_000 });
    expect(result.current.isLive).toBe(false);
    expect(log.sent.filter((r) => r === "GET /api/v1/jobs").length).toBeGreaterThan(1);
  });

  it("keeps trying after failed loads, waiting longer each time, and recovers", async () => {
    let refusals = 2;
    const { client, log } = recordedClient((url) => new URL(url).pathname === "/api/v1/jobs" && refusals-- > 0);
    const { result } = renderHook(() => useJobs({ refreshMs: 150, live: false }), { wrapper: providerOf(client) });
    await waitFor(() => expect(result.current.error?.name).toBe("NetworkError"));
    const started = Date.now();
    await waitFor(() => expect(result.current.pagination).not.toBeNull(), { timeout: 5_000 });
    expect(result.current.error).toBeNull();
    // waits of 150 then 300 ms before the third load succeeded
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
    expect(log.sent.filter((r) => r === "GET /api/v1/jobs")).toHaveLength(3);
  });
});

describe("JobList", () => {
  it("lists the user's jobs newest first, a page at a time", async () => {
    const { client } = recordedClient();
    const ids: string[] = [];
    for (const steps of [1, 2, 3]) {
      ids.push((await client.submit({ type: "demo", data: { steps, stepSeconds: 0.01 } })).jobId);
    }
    render(
      <GenqueueProvider client={client}>
        <JobList pageSize={2} refreshMs={100} />
      </GenqueueProvider>,
    );
    await waitFor(() => expect(screen.getByText("Page 1 of 2 · 3 jobs")).toBeTruthy(), { timeout: 10_000 });
    await waitFor(
      () => {
        const items = screen.getAllByRole("listitem");
        expect(items.map((li) => li.getAttribute("data-status"))).toEqual(["completed", "completed"]);
      },
      { timeout: 10_000 },
    );
    const bars = screen.getAllByRole("progressbar");
    expect(bars.map((b) => b.getAttribute("aria-label"))).toEqual([
      `Progress of demo ${ids[2]}`,
      `Progress of demo ${ids[1]}`,
    ]);
    expect((screen.getByRole("button", { name: "Previous" }) as HTMLButtonElement).disabled).toBe(true);
    fireEvent.click(screen.getByRole("button", { name: "Next" }));
    await waitFor(() => expect(screen.getByText("Page 2 of 2 · 3 jobs")).toBeTruthy(), { timeout: 10_000 });
    await waitFor(() => expect(screen.getAllByRole("progressbar")).toHaveLength(1));
    expect(screen.getByRole("progressbar").getAttribute("aria-label")).toBe(`Progress of demo ${ids[0]}`);
    expect((screen.getByRole("button", { name: "Next" }) as HTMLButtonElement).disabled).toBe(true);
  });

  it("reloads while a listed job is unfinished, and stops on unmount", async () => {
    const { client, log } = recordedClient();
    await client.submit({ type: "demo", data: { steps: 10, stepSeconds: 0.05 } });
    // The polling path alone: a live list also reloads on the socket's events, which may
    // land after the poll that saw the final state (useJobs' own tests cover that path).
    const { unmount } = render(
      <GenqueueProvider client={client}>
        <JobList refreshMs={100} live={false} />
      </GenqueueProvider>,
    );
    await waitFor(() => expect(screen.getByRole("listitem").getAttribute("data-status")).toBe("completed"), {
      timeout: 10_000,
    });
    expect(log.sent.filter((r) => r === "GET /api/v1/jobs").length).toBeGreaterThan(1);
    const reloadsAtEnd = log.sent.length;
    await new Promise((r) => setTimeout(r, 300));
    expect(log.sent.length).toBe(reloadsAtEnd); // every job is final: no more reloads
    fireEvent.click(screen.getByRole("button", { name: "Refresh" }));
    await waitFor(() => expect(log.sent.length).toBe(reloadsAtEnd + 1));
    unmount();
    await new Promise((r) => setTimeout(r, 300));
    expect(log.sent.length).toBe(reloadsAtEnd + 1);
  });
});
