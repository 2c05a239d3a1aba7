/** English names of BCP 47 language tags, for sentences a leader reads ("Italian", not "it"). */

let names: Intl.DisplayNames | null = null;

/** "Simplified Chinese" for "zh-Hans"; the tag itself when the runtime has no name for it. */
export function languageName(tag: string): string {
  try {
    names ??= new Intl.DisplayNames(["en"], { type: "language", fallback: "none" });
    const name = names.of(tag);
    // Private-use and unknown tags come back empty or as the root locale.
    return name && name !== "root" ? name : tag;
  } catch {
    return tag;
  }
}
