import { createContext, useContext } from "react";

/** Panels call this after they submit a job, so the job list shows it at once. */
export const SubmittedContext = createContext<() => void>(() => undefined);

export function useSubmitted(): () => void {
  return useContext(SubmittedContext);
}
