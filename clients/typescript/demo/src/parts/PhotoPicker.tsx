import type { ChangeEvent, ReactElement } from "react";

export const MAX_PHOTO_BYTES = 10 * 1024 * 1024;

/** Reads a file as a `data:` URL, the base64 form seed 004 takes. */
export function readAsDataUrl(file: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result));
    reader.onerror = () => reject(reader.error ?? new Error("the file could not be read"));
    reader.readAsDataURL(file);
  });
}

export interface PhotoPickerProps {
  onPhoto: (dataUrl: string | null, problem: string | null) => void;
  disabled?: boolean;
}

/** A file input for a JPEG, PNG or WebP photo of at most 10 MB. */
export function PhotoPicker({ onPhoto, disabled }: PhotoPickerProps): ReactElement {
  async function change(event: ChangeEvent<HTMLInputElement>): Promise<void> {
    const file = event.target.files?.[0];
    if (!file) {
      onPhoto(null, null);
      return;
    }
    if (!/^image\/(jpeg|png|webp)$/.test(file.type)) {
      onPhoto(null, "Choose a JPEG, PNG or WebP photo.");
      return;
    }
    if (file.size > MAX_PHOTO_BYTES) {
      onPhoto(null, "The photo is over 10 MB.");
      return;
    }
    onPhoto(await readAsDataUrl(file), null);
  }
  return (
    <input
      type="file"
      accept="image/jpeg,image/png,image/webp"
      data-testid="snap-photo"
      disabled={disabled}
      onChange={(event) => void change(event)}
    />
  );
}
