using System.Text.Json;

namespace Connectomics.Testing;

/// <summary>
/// Runs small Node.js scripts against the official LanceDB client, which <see cref="LanceDbClientInstall"/> installs
/// from npm once into a per-user cache folder.
/// </summary>
public static class LanceDbNode
{
    /// <summary>Runs a CommonJS script; <c>lancedb</c> and <c>arrow</c> are already required. Returns its stdout parsed as JSON.</summary>
    public static async Task<JsonElement> RunAsync(string script, params string[] args)
    {
        var modules = await LanceDbClientInstall.EnsureInstalledAsync();
        var directory = Directory.CreateTempSubdirectory("lance-node-");
        try
        {
            var path = Path.Combine(directory.FullName, "script.cjs");
            var prelude = """
                const path = require('path');
                const lancedb = require(path.join(process.env.LANCE_NODE_MODULES, '@lancedb', 'lancedb'));
                const arrow = require(path.join(process.env.LANCE_NODE_MODULES, 'apache-arrow'));
                const args = process.argv.slice(2);
                function plain(v) {
                  if (v === null || v === undefined) return null;
                  if (typeof v === 'bigint') return v.toString();
                  if (v instanceof Date) return v.toISOString();
                  if (typeof v === 'object' && typeof v.toArray === 'function') return Array.from(v.toArray(), plain);
                  if (ArrayBuffer.isView(v)) return Array.from(v, plain);
                  if (Array.isArray(v)) return v.map(plain);
                  if (typeof v === 'object') { const o = {}; for (const k of Object.keys(v)) o[k] = plain(v[k]); return o; }
                  return v;
                }
                function rowsOf(table) { return table.toArray().map(r => plain(r.toJSON())); }
                function emit(value) { process.stdout.write(JSON.stringify(value)); }
                async function main() {

                """;
            var epilogue = """

                }
                main().catch(e => { process.stderr.write(String(e && e.stack || e)); process.exit(1); });
                """;
            await File.WriteAllTextAsync(path, prelude + script + epilogue);
            var (code, stdout, stderr) = await LanceDbClientInstall.ExecAsync("node", [path, .. args], directory.FullName, ("LANCE_NODE_MODULES", modules));
            if (code != 0)
            {
                throw new InvalidOperationException($"node exited with {code}: {stderr}\n{stdout}");
            }

            return JsonDocument.Parse(stdout).RootElement.Clone();
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }
}
