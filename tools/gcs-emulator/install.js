#!/usr/bin/env node
/*
 * Installs the pinned emulator (npm ci) unless node_modules already matches package-lock.json. The build runs this
 * before the tests of every module that starts the emulator; the first run downloads firebase-tools (about 300 MB,
 * a minute or more), later runs, from any module, see the stamp and return at once.
 */
"use strict";
const { execFileSync } = require("child_process");
const crypto = require("crypto");
const fs = require("fs");
const path = require("path");

const dir = __dirname;
const stamp = path.join(dir, "node_modules", ".litevfs-package-lock.sha256");
const lockDir = path.join(dir, ".install.lock");
const want = crypto.createHash("sha256").update(fs.readFileSync(path.join(dir, "package-lock.json"))).digest("hex");

function installed() {
  try {
    return (
      fs.readFileSync(stamp, "utf8").trim() === want &&
      fs.existsSync(path.join(dir, "node_modules", "firebase-tools", "lib", "emulator", "storage", "index.js"))
    );
  } catch (e) {
    return false;
  }
}

function sleep(ms) {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

if (installed()) {
  process.exit(0);
}
// One installer at a time (two builds of this checkout in parallel).
const deadline = Date.now() + 15 * 60 * 1000;
for (;;) {
  try {
    fs.mkdirSync(lockDir);
    break;
  } catch (e) {
    if (e.code !== "EEXIST" || Date.now() > deadline) throw e;
    sleep(1000);
  }
}
try {
  if (!installed()) {
    console.log("gcs-emulator: npm ci in " + dir + " (firebase-tools, pinned; about 300 MB, once)");
    const npm = process.platform === "win32" ? "npm.cmd" : "npm";
    execFileSync(npm, ["ci", "--no-audit", "--no-fund", "--loglevel=error"], { cwd: dir, stdio: "inherit" });
    fs.writeFileSync(stamp, want + "\n");
  }
} finally {
  fs.rmdirSync(lockDir);
}
