// Drive sprinklr-mcp with the TypeScript SDK client (@modelcontextprotocol/sdk).
//
// Usage: node ts-sdk-client.mjs CALLS_JSON URL
//        node ts-sdk-client.mjs CALLS_JSON COMMAND [ARGUMENT...]
//
// CALLS_JSON is a file holding [[toolName, arguments], ...]. The client lists
// the tools, then calls each one. The SDK checks every structuredContent
// against the tool's outputSchema and throws on a mismatch. Prints one JSON
// object: the negotiated protocol version, the tool names and, per call,
// whether it was an error and its text when it was.
import { readFileSync } from "node:fs";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";

const [callsFile, target, ...rest] = process.argv.slice(2);
if (!callsFile || !target) {
  console.error("usage: ts-sdk-client.mjs CALLS_JSON URL|COMMAND [ARGUMENT...]");
  process.exit(2);
}
const calls = JSON.parse(readFileSync(callsFile, "utf8"));

const transport = /^https?:\/\//.test(target)
  ? new StreamableHTTPClientTransport(new URL(target))
  : new StdioClientTransport({ command: target, args: rest, stderr: "ignore" });

let protocolVersion;
const setVersion = transport.setProtocolVersion?.bind(transport);
transport.setProtocolVersion = (version) => {
  protocolVersion = version;
  setVersion?.(version);
};

const client = new Client({ name: "sprinklr-mcp-tests", version: "0.0.0" });
await client.connect(transport);
const { tools } = await client.listTools();
const results = [];
for (const [name, args] of calls) {
  const result = await client.callTool({ name, arguments: args });
  const text = result.isError ? result.content.map((block) => block.text).join("\n") : null;
  results.push({
    name,
    isError: Boolean(result.isError),
    structured: result.structuredContent !== undefined,
    text,
  });
}
await client.close();
console.log(JSON.stringify({ protocolVersion, tools: tools.map((tool) => tool.name), results }));
