import { useEffect, useState, type FormEvent, type ReactElement } from "react";
import { type CharacterDetail, errorMessage } from "../../../src/index.js";
import { toProgress, useCharacterCreation, useGenqueueClient } from "../../../src/react/index.js";
import { CharacterCard } from "../parts/CharacterCard.js";
import { JobStatus } from "../parts/JobStatus.js";
import { useSubmitted } from "../parts/submitted.js";
import { CHARACTER_MILESTONES, Milestones, milestoneLabel, useMilestoneTimes } from "../parts/Milestones.js";

const STYLES = ["watercolor", "anime", "cartoon", "oil painting", "pixel art", "sketch"];
/** Seed 000 polls every 2 s; a demo's character is done in seconds, so poll faster. */
const POLL_MS = 250;

export interface CharacterPanelProps {
  character: CharacterDetail | null;
  onCharacter: (character: CharacterDetail) => void;
}

/** Seeds 000/001: queue a character with `useCharacterCreation` and watch its milestones. */
export function CharacterPanel({ character, onCharacter }: CharacterPanelProps): ReactElement {
  const client = useGenqueueClient();
  const announce = useSubmitted();
  const creation = useCharacterCreation(undefined, { interval: POLL_MS });
  const [name, setName] = useState("Mira");
  const [description, setDescription] = useState("A fox pilot with a patched leather jacket");
  const [style, setStyle] = useState(STYLES[0] ?? "watercolor");
  const [loadError, setLoadError] = useState<string | null>(null);
  const jobId = creation.job?.jobId ?? null;
  const times = useMilestoneTimes(jobId, CHARACTER_MILESTONES, creation.progress);

  const { characterId } = creation;
  useEffect(() => {
    if (characterId === null) return;
    setLoadError(null);
    client.characters.get(characterId).then(onCharacter, (error: unknown) => setLoadError(errorMessage(error)));
  }, [client, characterId, onCharacter]);

  function submit(event: FormEvent): void {
    event.preventDefault();
    // Resolves with null when refused: the message is in `creation.error`.
    void creation.createCharacter({ name, description, style }).then((jobId) => jobId && announce());
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
            <input
              id="character-name"
              data-testid="character-name-input"
              value={name}
              maxLength={100}
              onChange={(e) => setName(e.target.value)}
            />
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
            <input
              id="character-description"
              value={description}
              maxLength={4000}
              onChange={(e) => setDescription(e.target.value)}
            />
          </div>
        </div>
        <div className="row">
          <button
            className="btn btn-primary"
            type="submit"
            disabled={creation.isCreating || !name.trim()}
            data-testid="character-create"
          >
            Create character
          </button>
          <span className="muted small">POST /api/v1/characters/queue</span>
        </div>
      </form>
      {jobId === null && creation.error ? (
        <p className="error" role="alert">
          {creation.error}
        </p>
      ) : null}
      {jobId !== null ? (
        <>
          <JobStatus
            name="character"
            jobId={jobId}
            status={creation.status}
            progress={toProgress(creation.progress, milestoneLabel(CHARACTER_MILESTONES, creation.progress))}
            failedReason={creation.status === "completed" ? null : creation.error}
            error={null}
            onCancel={() => void creation.cancel()}
          />
          <Milestones milestones={CHARACTER_MILESTONES} times={times} testId="character-milestones" />
        </>
      ) : null}
      {loadError ? (
        <p className="error" role="alert">
          {loadError}
        </p>
      ) : null}
      {character ? <CharacterCard character={character} assetUrl={(path) => client.assetUrl(path)} /> : null}
    </section>
  );
}
