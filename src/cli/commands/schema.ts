import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { Command } from "commander";
import { type CliIO, EXIT, ExitCode } from "../io.js";
import { jsonSchemas } from "../json-schemas.js";

export function schemaCommand(program: Command, io: CliIO): void {
  program
    .command("schema")
    .description("write or check the JSON Schemas (schema/*.json) that editors use for suites and config")
    .option("--write", "write schema/*.json")
    .option("--check", "exit 1 when the committed schemas are stale")
    .option("--dir <dir>", "schema folder", "schema")
    .action((o: { write?: boolean; check?: boolean; dir: string }) => {
      const dir = path.resolve(io.cwd, o.dir);
      const stale: string[] = [];
      for (const [name, schema] of Object.entries(jsonSchemas())) {
        const text = `${JSON.stringify(schema, null, 2)}\n`;
        const file = path.join(dir, name);
        if (o.write) {
          mkdirSync(dir, { recursive: true });
          writeFileSync(file, text);
          io.stdout(`wrote ${path.relative(io.cwd, file)}\n`);
        } else if (o.check) {
          if (!existsSync(file) || readFileSync(file, "utf8") !== text) stale.push(path.relative(io.cwd, file));
        } else io.stdout(`// ${name}\n${text}`);
      }
      if (stale.length) {
        io.stderr(`stale: ${stale.join(", ")}\n  hint: run \`supportbench schema --write\` and commit the result\n`);
        throw new ExitCode(EXIT.failed);
      }
      if (o.check) io.stdout("schemas are up to date\n");
    });
}
