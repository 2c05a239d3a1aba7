/** Model families, for the warning that a judge may favour a candidate of its own family. */

const FAMILIES: readonly [string, RegExp][] = [
  ["gpt", /(^|[^a-z])(gpt|chatgpt|o[1-9](-|$)|o[1-9][a-z]*-|text-davinci|davinci|codex)/],
  ["claude", /claude/],
  ["gemini", /gemini|gemma|palm|bison/],
  ["llama", /llama/],
  ["mistral", /mistral|mixtral|codestral|ministral|magistral|pixtral|devstral/],
  ["qwen", /qwen|qwq/],
  ["deepseek", /deepseek/],
  ["phi", /(^|[^a-z])phi-?\d/],
  ["command", /command-?r|cohere|aya/],
  ["grok", /grok/],
  ["nova", /amazon\.nova|(^|[^a-z])nova-/],
  ["granite", /granite/],
  ["falcon", /falcon/],
  ["yi", /(^|[^a-z])yi-/],
  ["glm", /glm|chatglm/],
  ["kimi", /kimi|moonshot/],
];

/** The family of a model named by a provider spec or model id ("openai:gpt-4.1-mini" → "gpt"), or null. */
export function modelFamily(spec: string): string | null {
  // Only the model part counts: "openai-compatible:http://host/v1#llama3" names a llama.
  const id = spec
    .toLowerCase()
    .replace(/^[a-z][a-z0-9-]*:(?!\/\/)/, "")
    .replace(/ollama/g, "");
  for (const [family, re] of FAMILIES) if (re.test(id)) return family;
  return null;
}

/** A warning when judge and candidate come from the same family; null when they do not or one is unknown. */
export function sameFamilyWarning(
  judgeId: string,
  candidateId: string,
  families: { judge?: string; candidate?: string } = {},
): string | null {
  const j = families.judge ?? modelFamily(judgeId);
  const c = families.candidate ?? modelFamily(candidateId);
  if (!j || !c || j !== c) return null;
  return `judge ${judgeId} and candidate ${candidateId} are both ${j} models; a judge may favour its own family (self-preference bias). Prefer a judge from another family or a panel.`;
}
