// The real help desk of the end-to-end suite: the private Request Tracker 5 that
// `./build.sh test` starts with scripts/rt.sh, and which the Waymark server under test
// delivers tickets to. The specs stop and restart it to test outages, and read tickets
// back through RT's REST2 API.
import { execFileSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const SCRIPT = join(ROOT, "scripts", "rt.sh");

export const RT_URL = process.env.WAYMARK_RT_URL;
const RT_DIR = process.env.WAYMARK_RT_DIR;
const AUTH = "Basic " + Buffer.from("root:password").toString("base64");

/** Whether this run has a Request Tracker (build.sh always starts one). */
export function haveRt() {
  if (!RT_URL || !RT_DIR) {
    throw new Error("WAYMARK_RT_URL / WAYMARK_RT_DIR are not set: run the suite with ./build.sh test, which starts Request Tracker");
  }
  return true;
}

export function stopRt() {
  execFileSync(SCRIPT, ["stop", RT_DIR], { stdio: "inherit" });
}

export function startRt() {
  const port = new URL(RT_URL).port;
  execFileSync(SCRIPT, ["start", RT_DIR, port], { stdio: ["ignore", "ignore", "inherit"] });
}

async function rest(path) {
  const res = await fetch(`${RT_URL}/REST/2.0/${path}`, { headers: { Authorization: AUTH } });
  if (!res.ok) throw new Error(`RT answered ${res.status} for ${path}`);
  return res.json();
}

/** A ticket as RT's REST2 has it, with its custom fields and first text content. */
export async function rtTicket(id) {
  const ticket = await rest(`ticket/${id}`);
  const atts = await rest(`ticket/${id}/attachments?fields=ContentType,Content`);
  const text = (atts.items ?? []).find((a) => (a.ContentType ?? "").startsWith("text/plain"));
  let content = text?.Content ?? "";
  if (content && !/\s/.test(content) && /^[A-Za-z0-9+/=]+$/.test(content)) {
    content = Buffer.from(content, "base64").toString("utf8");
  }
  return { ...ticket, content };
}

/** Ids of the tickets whose subject is exactly `subject`. */
export async function rtTicketsWithSubject(subject) {
  const query = encodeURIComponent(`Subject = '${subject.replace(/'/g, "\\'")}'`);
  const found = await rest(`tickets?query=${query}&fields=Subject`);
  return (found.items ?? []).map((t) => t.id);
}
