import type { ReactElement } from "react";
import type { StoryView } from "../../../src/index.js";

/** A finished story: its title and paragraphs (`GET /api/story/:storyId`). */
export function StoryReader({ story }: { story: StoryView }): ReactElement {
  const paragraphs = story.text.split(/\n\s*\n/).filter((p) => p.trim() !== "");
  return (
    <article className="story" data-testid="story">
      <h3 data-testid="story-title">{story.title}</h3>
      <p className="muted small">
        {story.wordCount} words{story.heroName ? ` · hero ${story.heroName}` : ""}
      </p>
      {paragraphs.map((paragraph, index) => (
        <p key={index}>{paragraph}</p>
      ))}
    </article>
  );
}
