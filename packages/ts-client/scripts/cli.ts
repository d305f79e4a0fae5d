// Command-line options of the scripts: `--name value`.

/** The value after `name` on the command line; undefined when absent, an error when the value is missing. */
export function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  if (i < 0) return undefined;
  const value = process.argv[i + 1];
  if (value === undefined || value.startsWith("--")) throw new Error(`${name} needs a value`);
  return value;
}
