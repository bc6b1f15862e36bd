import { useCallback, useState, type FormEvent, type ReactElement } from "react";
import { type StoryView, errorMessage } from "../../../src/index.js";
import { useGenqueueClient, useJob } from "../../../src/react/index.js";
import { LiveJob } from "../parts/LiveJob.js";
import { NumberField } from "../parts/NumberField.js";
import { useSubmitted } from "../parts/submitted.js";
import { StoryReader } from "../parts/StoryReader.js";
import { useAction } from "../parts/useAction.js";

/** Seed 003: write a story (credits are charged before it is queued), then read it. */
export function StoryPanel({ onCharged }: { onCharged: () => void }): ReactElement {
  const client = useGenqueueClient();
  const announce = useSubmitted();
  const [prompt, setPrompt] = useState("A lighthouse keeper finds a map in a bottle");
  const [heroName, setHeroName] = useState("Ada");
  const [words, setWords] = useState(300);
  const [jobId, setJobId] = useState<string | null>(null);
  const [story, setStory] = useState<StoryView | null>(null);
  const [readError, setReadError] = useState<string | null>(null);

  const job = useJob(jobId, {
    onCompleted: (done) => {
      const storyId = (done.result as { storyId?: string } | null)?.storyId;
      if (!storyId) return;
      client.stories.story(storyId).then(setStory, (error: unknown) => setReadError(errorMessage(error)));
    },
    onFailed: onCharged,
    onCancelled: onCharged,
  });

  const write = useAction(
    useCallback(async () => {
      setStory(null);
      setReadError(null);
      const queued = await client.stories.generate({ prompt, heroName: heroName || null, words });
      setJobId(queued.jobId);
      announce();
      onCharged();
    }, [client, prompt, heroName, words, onCharged, announce]),
  );

  function submit(event: FormEvent): void {
    event.preventDefault();
    void write.run();
  }

  const waiting = job.status === "pending" && job.job?.position ? job.job : null;
  return (
    <section className="card" data-testid="story-panel">
      <div className="card-head">
        <h2>Write a story</h2>
        <span className="seed">seed 003</span>
      </div>
      <form onSubmit={submit}>
        <div className="fields">
          <div className="field-wide">
            <label htmlFor="story-prompt">Prompt</label>
            <input
              id="story-prompt"
              data-testid="story-prompt"
              value={prompt}
              maxLength={4000}
              onChange={(e) => setPrompt(e.target.value)}
            />
          </div>
          <div>
            <label htmlFor="story-hero">Hero</label>
            <input
              id="story-hero"
              value={heroName}
              maxLength={100}
              onChange={(e) => setHeroName(e.target.value)}
            />
          </div>
          <NumberField
            id="story-words"
            label="Words"
            value={words}
            min={50}
            max={5000}
            step={50}
            onChange={setWords}
          />
        </div>
        <div className="row">
          <button
            className="btn btn-primary"
            type="submit"
            data-testid="story-write"
            disabled={write.busy || !prompt.trim()}
          >
            Write story
          </button>
          <span className="muted small">POST /api/generate</span>
        </div>
      </form>
      {write.error ? (
        <p className="error" role="alert" data-testid="story-submit-error">
          {write.error}
        </p>
      ) : null}
      {jobId ? (
        <LiveJob name="story" jobId={jobId} state={job} title="Story">
          {story ? <StoryReader story={story} /> : null}
        </LiveJob>
      ) : null}
      {waiting ? (
        <p className="notice" data-testid="story-position">
          Position {waiting.position} in line
          {waiting.estimatedWaitSeconds ? `, about ${Math.ceil(waiting.estimatedWaitSeconds)} s` : ""}
        </p>
      ) : null}
      {readError ? (
        <p className="error" role="alert">
          {readError}
        </p>
      ) : null}
    </section>
  );
}
