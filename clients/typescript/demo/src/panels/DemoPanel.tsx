import { useCallback, useState, type FormEvent, type ReactElement } from "react";
import { useGenqueueClient, useJob } from "../../../src/react/index.js";
import { LiveJob } from "../parts/LiveJob.js";
import { NumberField } from "../parts/NumberField.js";
import { useSubmitted } from "../parts/submitted.js";
import { useAction } from "../parts/useAction.js";

/** The built-in `demo` job: steps of a set length, failing on purpose for its first
 * `failAttempts` attempts, to see retries, a cancel and a failure with its reason. */
export function DemoPanel(): ReactElement {
  const client = useGenqueueClient();
  const announce = useSubmitted();
  const [steps, setSteps] = useState(20);
  const [stepSeconds, setStepSeconds] = useState(0.5);
  const [failAttempts, setFailAttempts] = useState(0);
  const [jobId, setJobId] = useState<string | null>(null);
  const job = useJob(jobId);

  const submitJob = useAction(
    useCallback(async () => {
      const submitted = await client.submit({ type: "demo", data: { steps, stepSeconds, failAttempts } });
      setJobId(submitted.jobId);
      announce();
    }, [client, steps, stepSeconds, failAttempts, announce]),
  );

  function submit(event: FormEvent): void {
    event.preventDefault();
    void submitJob.run();
  }

  const attempt = job.job
    ? Math.min(job.job.attemptsMade + (job.isFinal ? 0 : 1), job.job.maxAttempts)
    : null;
  const title = job.job && attempt !== null ? `demo · attempt ${attempt} of ${job.job.maxAttempts}` : "demo";
  return (
    <section className="card" data-testid="demo-panel">
      <div className="card-head">
        <h2>A demo job</h2>
        <span className="seed">generic API</span>
      </div>
      <form onSubmit={submit}>
        <div className="fields">
          <NumberField id="demo-steps" label="Steps" value={steps} min={0} max={1000} onChange={setSteps} />
          <NumberField
            id="demo-step-seconds"
            label="Seconds a step"
            value={stepSeconds}
            min={0}
            max={60}
            step={0.05}
            onChange={setStepSeconds}
          />
          <NumberField
            id="demo-fail-attempts"
            label="Failing attempts"
            value={failAttempts}
            min={0}
            max={100}
            onChange={setFailAttempts}
          />
        </div>
        <div className="row">
          <button
            className="btn btn-primary"
            type="submit"
            data-testid="demo-submit"
            disabled={submitJob.busy}
          >
            Submit demo job
          </button>
          <span className="muted small">
            3 attempts, 2 s backoff doubling; 3 or more failing attempts fail the job
          </span>
        </div>
      </form>
      {submitJob.error ? (
        <p className="error" role="alert">
          {submitJob.error}
        </p>
      ) : null}
      {jobId ? <LiveJob name="demo" jobId={jobId} state={job} title={title} /> : null}
    </section>
  );
}
