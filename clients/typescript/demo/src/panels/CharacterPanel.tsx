import { useCallback, useState, type FormEvent, type ReactElement } from "react";
import type { CharacterDetail } from "../../../src/index.js";
import { useGenqueueClient } from "../../../src/react/context.js";
import { useJob } from "../../../src/react/useJob.js";
import { CharacterCard } from "../parts/CharacterCard.js";
import { JobStatus } from "../parts/JobStatus.js";
import { CHARACTER_MILESTONES, Milestones, useMilestoneTimes } from "../parts/Milestones.js";
import { useAction } from "../parts/useAction.js";

const STYLES = ["watercolor", "anime", "cartoon", "oil painting", "pixel art", "sketch"];

export interface CharacterPanelProps {
  character: CharacterDetail | null;
  onCharacter: (character: CharacterDetail) => void;
}

/** Seeds 000/001: queue a character and watch its milestones until it exists. */
export function CharacterPanel({ character, onCharacter }: CharacterPanelProps): ReactElement {
  const client = useGenqueueClient();
  const [name, setName] = useState("Mira");
  const [description, setDescription] = useState("A fox pilot with a patched leather jacket");
  const [style, setStyle] = useState(STYLES[0] ?? "watercolor");
  const [jobId, setJobId] = useState<string | null>(null);

  const loadCharacter = useCallback(
    async (characterId: string) => onCharacter(await client.characters.get(characterId)),
    [client, onCharacter],
  );
  const job = useJob(jobId, {
    onCompleted: (done) => {
      const result = done.result as { characterId?: string } | null;
      if (result?.characterId) void loadCharacter(result.characterId);
    },
  });
  const times = useMilestoneTimes(jobId, CHARACTER_MILESTONES, job.progress.percentage);

  const create = useAction(
    useCallback(async () => {
      const queued = await client.characters.queue({ name, description, style });
      setJobId(queued.jobId);
    }, [client, name, description, style]),
  );

  function submit(event: FormEvent): void {
    event.preventDefault();
    void create.run();
  }

  return (
    <section className="card" data-testid="character-panel">
      <div className="card-head">
        <h2>Create a character</h2>
        <span className="seed">seeds 000 · 001</span>
      </div>
      <form onSubmit={submit}>
        <div className="fields">
          <div>
            <label htmlFor="character-name">Name</label>
            <input id="character-name" data-testid="character-name-input" value={name} maxLength={100} onChange={(e) => setName(e.target.value)} />
          </div>
          <div>
            <label htmlFor="character-style">Style</label>
            <select id="character-style" value={style} onChange={(e) => setStyle(e.target.value)}>
              {STYLES.map((s) => (
                <option key={s}>{s}</option>
              ))}
            </select>
          </div>
          <div className="field-wide">
            <label htmlFor="character-description">Description</label>
            <input id="character-description" value={description} maxLength={4000} onChange={(e) => setDescription(e.target.value)} />
          </div>
        </div>
        <div className="row">
          <button className="btn btn-primary" type="submit" disabled={create.busy || !name.trim()} data-testid="character-create">
            Create character
          </button>
          <span className="muted small">POST /api/v1/characters/queue</span>
        </div>
      </form>
      {create.error ? <p className="error" role="alert">{create.error}</p> : null}
      {jobId ? (
        <>
          <JobStatus
            name="character"
            jobId={jobId}
            status={job.status}
            progress={job.progress}
            failedReason={job.failedReason}
            error={job.error}
            onCancel={() => void job.cancel()}
          />
          <Milestones milestones={CHARACTER_MILESTONES} times={times} testId="character-milestones" />
        </>
      ) : null}
      {character ? <CharacterCard character={character} assetUrl={(path) => client.assetUrl(path)} /> : null}
    </section>
  );
}
