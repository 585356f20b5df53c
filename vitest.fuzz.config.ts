import { defineConfig } from "vitest/config";
import base from "./vitest.config";

// `npm run fuzz`: the REST fuzz test alone, with ≥ 10,000 cases in process (issue 12); `npm test`
// runs the same file with a few hundred (src/server/rest/fuzz.test.ts).
export default defineConfig({
  ...base,
  test: {
    ...base.test,
    include: ["src/server/rest/fuzz.test.ts"],
    provide: { fuzzRuns: 10_000 },
  },
});
