#!/usr/bin/env node
/*
 * A Google Cloud Storage (JSON API) emulator for the litevfs tests: the Cloud Storage emulator that ships inside
 * npm firebase-tools (pinned exactly in package-lock.json: this script uses its internal modules), started without
 * its security-rules runtime (a Java jar it would download) and with what GCS has and it lacks:
 *
 *   - generation preconditions (ifGenerationMatch / ifGenerationNotMatch) on uploads, object reads and deletes,
 *     checked and applied under a per-object lock (a promise chain), so that of N concurrent ifGenerationMatch=0
 *     uploads exactly one wins and the others get 412 conditionNotMet;
 *   - strictly increasing object generations (the emulator uses Date.now(), so two writes in one millisecond
 *     would share a generation);
 *   - listings with startOffset / endOffset, paginated here (pageToken, maxResults) so pages are never short;
 *   - buckets that exist only once created (POST /storage/v1/b, as on GCS, or GCS_BUCKETS=a,b at start-up); any
 *     request to another bucket gets GCS's 404 "The specified bucket does not exist." (the emulator would create
 *     it silently). GCS_AUTO_CREATE_BUCKETS=1 restores the emulator's behaviour.
 *
 * Environment: GCS_HOST (default 127.0.0.1), GCS_PORT (default 9199), GCS_PROJECT (default demo-litevfs),
 * GCS_BUCKETS, GCS_AUTO_CREATE_BUCKETS. Prints "gcs-emulator listening on http://HOST:PORT" once it accepts
 * requests; exits on SIGINT/SIGTERM and when its standard input closes (its parent died).
 * Use: STORAGE_EMULATOR_HOST=http://127.0.0.1:9199 with any GCS client.
 */
"use strict";

const fs = require("fs");
const os = require("os");
const path = require("path");

// The emulator keeps object bytes under os.tmpdir()/firebase/storage/blobs and deletes that directory when it
// stops: give every process its own directory so that concurrent emulators never delete each other's data.
const blobRoot = fs.mkdtempSync(path.join(os.tmpdir(), "litevfs-gcs-emulator-"));
process.env.TMPDIR = blobRoot;

const lib = path.join(path.dirname(require.resolve("firebase-tools/package.json")), "lib");
const { StorageEmulator } = require(path.join(lib, "emulator/storage"));
const { EmulatorRegistry } = require(path.join(lib, "emulator/registry"));
const { EmulatorLogger, Verbosity } = require(path.join(lib, "emulator/emulatorLogger"));
const { CloudStorageObjectMetadata } = require(path.join(lib, "emulator/storage/metadata"));

const host = process.env.GCS_HOST || "127.0.0.1";
const port = Number(process.env.GCS_PORT || 9199);
const projectId = process.env.GCS_PROJECT || "demo-litevfs";
const autoCreateBuckets = process.env.GCS_AUTO_CREATE_BUCKETS === "1";
const buckets = new Map(); // name -> creation time
for (const b of (process.env.GCS_BUCKETS || "").split(",")) {
  if (b.trim()) buckets.set(b.trim(), new Date());
}

EmulatorLogger.setVerbosity(process.env.GCS_EMULATOR_DEBUG ? Verbosity.DEBUG : Verbosity.QUIET);

const emulator = new StorageEmulator({ projectId, host, port, rules: { name: "none", content: "" }, auto_download: false });
// The JSON API routes use the admin storage layer, which never consults security rules: no rules runtime needed.
emulator._rulesRuntime.start = async () => {};
emulator._rulesRuntime.stop = async () => {};
emulator._rulesManager = { start: async () => ({ errors: [], warnings: [] }), stop: async () => {}, getRuleset: () => undefined };

const admin = emulator.adminStorageLayer;

// Strictly increasing generations (microseconds, like GCS).
let lastGeneration = 0;
function nextGeneration() {
  lastGeneration = Math.max(Date.now() * 1000, lastGeneration + 1);
  return lastGeneration;
}
const uploadObject = admin.uploadObject.bind(admin);
admin.uploadObject = async (upload) => {
  const metadata = await uploadObject(upload);
  metadata.generation = nextGeneration();
  return metadata;
};

// ---------------------------------------------------------------------------------------------------------------
// Per-object locks: a promise chain per "bucket/object".

const chains = new Map();
function lock(key) {
  const previous = chains.get(key) || Promise.resolve();
  let release;
  const held = new Promise((resolve) => (release = resolve));
  const tail = previous.then(() => held);
  chains.set(key, tail);
  return previous.then(() => () => {
    release();
    if (chains.get(key) === tail) chains.delete(key);
  });
}

function currentGeneration(bucket, object) {
  const md = admin.getMetadata(bucket, object);
  return md ? Number(md.generation) : 0;
}

function sendError(res, code, reason, message) {
  res.status(code).json({ error: { code, message, errors: [{ message, domain: "global", reason }] } });
}

function precondition(req) {
  const match = req.query.ifGenerationMatch;
  const notMatch = req.query.ifGenerationNotMatch;
  return {
    match: match === undefined ? undefined : Number(match),
    notMatch: notMatch === undefined ? undefined : Number(notMatch),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Routing in front of the emulator's own routes.

const BUCKET_PATH = /^\/(?:(?:upload|download)\/)?(?:storage\/v1\/)?b\/([^/]+)(?:\/o(?:\/(.+))?)?\/?$/;

function bucketJson(name) {
  const created = buckets.get(name) || new Date();
  return {
    kind: "storage#bucket",
    id: name,
    name,
    projectNumber: "0",
    location: "US",
    storageClass: "STANDARD",
    timeCreated: created.toISOString(),
    updated: created.toISOString(),
  };
}

function readJsonBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      try {
        resolve(chunks.length ? JSON.parse(Buffer.concat(chunks).toString("utf8")) : {});
      } catch (e) {
        reject(e);
      }
    });
    req.on("error", reject);
  });
}

async function front(req, res, next) {
  const url = new URL(req.originalUrl, "http://x");
  const pathname = url.pathname;

  // Bucket insert: POST /storage/v1/b?project=P {"name": "..."}
  if (req.method === "POST" && (pathname === "/storage/v1/b" || pathname === "/b")) {
    let body;
    try {
      body = await readJsonBody(req);
    } catch (e) {
      return sendError(res, 400, "parseError", "Parse Error");
    }
    if (!body.name) return sendError(res, 400, "required", "Required");
    if (buckets.has(body.name)) {
      return sendError(res, 409, "conflict", "Your previous request to create the named bucket succeeded and you already own it.");
    }
    buckets.set(body.name, new Date());
    admin.createBucket(body.name);
    return res.status(200).json(bucketJson(body.name));
  }

  const m = BUCKET_PATH.exec(pathname);
  if (!m) return next();
  const bucket = decodeURIComponent(m[1]);
  const objectPart = m[2];
  const isObjectCollection = /\/o\/?$/.test(pathname);

  if (!autoCreateBuckets && !buckets.has(bucket)) {
    return sendError(res, 404, "notFound", "The specified bucket does not exist.");
  }

  // Bucket get / delete.
  if (!objectPart && !isObjectCollection) {
    if (req.method === "GET") return res.status(200).json(bucketJson(bucket));
    if (req.method === "DELETE") {
      buckets.delete(bucket);
      return res.sendStatus(204);
    }
    return next();
  }

  // Listing with startOffset / endOffset, paginated here.
  if (req.method === "GET" && isObjectCollection) {
    return list(req, res, bucket);
  }

  // Object operations: reads, deletes, uploads (the name is in the query for media uploads).
  let object;
  if (objectPart) {
    object = decodeURIComponent(objectPart);
  } else if (req.method === "POST" && pathname.startsWith("/upload/") && req.query.name) {
    object = String(req.query.name).replace(/^\//, "");
  } else {
    return next();
  }

  const finished = new Promise((resolve) => {
    res.once("finish", resolve);
    res.once("close", resolve);
  });
  const release = await lock(bucket + "/" + object);
  finished.then(release);
  if (res.destroyed || res.writableEnded) return; // the client went away while waiting

  const { match, notMatch } = precondition(req);
  if (match !== undefined || notMatch !== undefined) {
    const generation = currentGeneration(bucket, object);
    const mutation = req.method !== "GET";
    if (generation === 0 && (!mutation || req.method === "DELETE")) {
      return next(); // the emulator answers 404 No such object
    }
    if (match !== undefined && match !== generation) {
      return sendError(res, 412, "conditionNotMet", "At least one of the pre-conditions you specified did not hold.");
    }
    if (notMatch !== undefined && notMatch === generation) {
      if (!mutation) return res.sendStatus(304);
      return sendError(res, 412, "conditionNotMet", "At least one of the pre-conditions you specified did not hold.");
    }
  }
  return next();
}

async function list(req, res, bucket) {
  const q = req.query;
  const prefix = q.prefix ? String(q.prefix) : "";
  const delimiter = q.delimiter ? String(q.delimiter) : "";
  const startOffset = q.startOffset ? String(q.startOffset) : "";
  const endOffset = q.endOffset ? String(q.endOffset) : "";
  const maxResults = Math.max(1, Math.min(1000, q.maxResults ? Number(q.maxResults) : 1000));
  const after = q.pageToken ? Buffer.from(String(q.pageToken), "base64url").toString("utf8") : undefined;

  const all = await admin.listObjects({ bucketId: bucket, prefix, delimiter: "", maxResults: Number.MAX_SAFE_INTEGER });
  const entries = []; // { name, item } for objects, { name, prefix } for common prefixes
  const seenPrefixes = new Set();
  for (const item of all.items || []) {
    const name = item.name;
    if (startOffset && name < startOffset) continue;
    if (endOffset && name >= endOffset) continue;
    if (delimiter) {
      const i = name.indexOf(delimiter, prefix.length);
      if (i >= 0) {
        const p = name.slice(0, i + delimiter.length);
        if (!seenPrefixes.has(p)) {
          seenPrefixes.add(p);
          entries.push({ name: p, prefix: p });
        }
        continue;
      }
    }
    entries.push({ name, item });
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const start = after === undefined ? 0 : entries.findIndex((e) => e.name > after);
  const page = start < 0 ? [] : entries.slice(start, start + maxResults);
  const more = start >= 0 && start + maxResults < entries.length;
  const body = { kind: "storage#objects" };
  if (more) body.nextPageToken = Buffer.from(page[page.length - 1].name, "utf8").toString("base64url");
  const prefixes = page.filter((e) => e.prefix !== undefined).map((e) => e.prefix);
  const items = page.filter((e) => e.item !== undefined).map((e) => new CloudStorageObjectMetadata(e.item));
  if (prefixes.length) body.prefixes = prefixes;
  if (items.length) body.items = items;
  res.status(200).json(body);
}

// ---------------------------------------------------------------------------------------------------------------
// Start and stop.

function insertFront(app) {
  app.use((req, res, next) => {
    front(req, res, next).catch((e) => {
      console.error("gcs-emulator: " + (e && e.stack ? e.stack : e));
      if (!res.headersSent) sendError(res, 500, "backendError", String(e && e.message ? e.message : e));
    });
  });
  const stack = app._router.stack;
  const layer = stack.pop();
  const after = stack.findIndex((l) => l.name === "expressInit");
  stack.splice(after + 1, 0, layer);
}

let stopping = false;
async function stop(code) {
  if (stopping) return;
  stopping = true;
  try {
    await EmulatorRegistry.stop(emulator.getName());
  } catch (e) {
    // exiting anyway
  }
  fs.rmSync(blobRoot, { recursive: true, force: true });
  process.exit(code);
}

process.on("unhandledRejection", (e) => console.error("gcs-emulator: unhandled rejection: " + (e && e.stack ? e.stack : e)));
process.on("SIGINT", () => stop(0));
process.on("SIGTERM", () => stop(0));
if (process.env.GCS_EXIT_ON_STDIN_CLOSE !== "0") {
  process.stdin.on("end", () => stop(0));
  process.stdin.on("error", () => stop(0));
  process.stdin.resume();
}

EmulatorRegistry.start(emulator)
  .then(() => {
    insertFront(emulator.getApp());
    console.log(`gcs-emulator listening on http://${host}:${port}`);
  })
  .catch((e) => {
    console.error(`gcs-emulator: cannot start on ${host}:${port}: ${e && e.message ? e.message : e}`);
    stop(1);
  });
