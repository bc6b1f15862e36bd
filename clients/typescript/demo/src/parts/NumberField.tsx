import type { ReactElement } from "react";

export interface NumberFieldProps {
  id: string;
  label: string;
  value: number;
  min: number;
  max: number;
  step?: number;
  onChange: (value: number) => void;
}

/** A labelled number input whose value stays within [min, max]. */
export function NumberField({ id, label, value, min, max, step, onChange }: NumberFieldProps): ReactElement {
  return (
    <div>
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        data-testid={id}
        type="number"
        min={min}
        max={max}
        step={step}
        value={value}
        onChange={(event) => onChange(Math.min(max, Math.max(min, Number(event.target.value) || min)))}
      />
    </div>
  );
}
