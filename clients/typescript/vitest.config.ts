import { defineConfig } from "vitest/config";

// Tests talk to a real `genqueue serve` (test/support/global-setup.ts). Files under
// test/react/ pick jsdom with a `// @vitest-environment jsdom` comment.
export default defineConfig({
  test: {
    include: ["test/**/*.test.ts", "test/**/*.test.tsx"],
    environment: "node",
    globalSetup: ["test/support/global-setup.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // two cores are shared: a couple of files at once is enough
    pool: "forks",
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
  },
});
