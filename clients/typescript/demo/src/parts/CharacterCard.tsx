import type { ReactElement } from "react";
import type { CharacterDetail } from "../../../src/index.js";

export interface CharacterCardProps {
  character: CharacterDetail;
  assetUrl: (path: string) => string;
}

/** A created character: its master reference image, name and personality. */
export function CharacterCard({ character, assetUrl }: CharacterCardProps): ReactElement {
  return (
    <div className="character" data-testid="character" data-character-id={character.id}>
      {character.masterReferenceUrl ? (
        <img
          data-testid="character-image"
          src={assetUrl(character.masterReferenceUrl)}
          alt={`${character.name}, master reference`}
        />
      ) : (
        <div className="shot">no image</div>
      )}
      <div>
        <h3 data-testid="character-name">{character.name}</h3>
        <p className="muted small mono">{character.displayId}</p>
        {character.personality ? <p>{character.personality}</p> : null}
      </div>
    </div>
  );
}
