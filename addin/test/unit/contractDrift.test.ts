import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { generateContract, generatedPath } from "../../scripts/contract.mjs";

// The committed contract.generated.ts is what openapi-typescript makes of the current API description
// (docs/openapi.json, kept equal to what the API serves by OpenApiDocumentTests).
describe("generated API contract", () => {
  it("matches what npm run contract produces from docs/openapi.json", async () => {
    const committed = await readFile(generatedPath, "utf8");
    const expected = await generateContract();
    expect(committed, "src/shared/contract.generated.ts is stale: run npm run contract").toBe(expected);
  });
});
