//! Waymark's build tasks, run as `cargo xtask TASK` (the alias is in .cargo/config.toml).
//!
//!   cargo xtask dist [--release|--debug] [--www DIR]
//!       The runtime and the editor to wasm, into DIR/sdk/ and DIR/editor/pkg/ (DIR:
//!       www/), then the Brotli and gzip copies of every asset the server sends.
//!   cargo xtask core-share
//!       The gzipped size of the core as the runtime runs it (`./build.sh bench`).
//!
//! `./build.sh` installs the tools first (the wasm32 target, wasm-bindgen-cli at the
//! version in Cargo.lock, binaryen into .tools/, terser into node_modules/); this
//! program finds them there too when run by hand. Each step checks what it wrote and
//! stops the build with the step and the file named when something is wrong.

use std::collections::BTreeSet;
use std::ffi::OsString;
use std::fmt;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};

const WASM_TARGET: &str = "wasm32-unknown-unknown";
/// The cargo profile of the release wasm (Cargo.toml: opt-level "z", LTO, one codegen unit).
const WASM_PROFILE: &str = "wasm-release";
/// The binaryen release build.sh installs into .tools/ (BINARYEN_VERSION there).
const BINARYEN_MAJOR: &str = "132";

/// wasm-opt inlines every function that has one caller, however big: the shell's loop
/// became one 36 KB function whose thousands of locals compress badly. Inlining only
/// small ones (up to 20 instructions) in every pass: ~7.6 KB gzipped less (measured:
/// 0: 6.1 KB, 4: 7.0, 10: 7.5, 15: 7.6, 30: 7.5, 60: 5.6). Tiny functions inlined
/// anywhere up to 6 instructions (default 2): ~250 B less than 2, and 62 fewer
/// functions (562, not 624) for V8 to compile on the first step (3: 203 B less than 2;
/// 5: 23 B more than 6; 10: 3.8 KB more). Each function V8 compiles lazily, on its
/// first call, costs the first step ~30 us however small; handlers a page does not call
/// stay out of line. The editor's wasm gets the same limits: 522 -> 486 KB gzipped.
const WASM_INLINE: [&str; 2] = [
    "--one-caller-inline-max-function-size=20",
    "--always-inline-max-function-size=6",
];

/// The first line of runtime/js/loader.js's own text; everything from it on is the loader.
const LOADER_MARK: &str = "// ---- Waymark loader";
/// What the loader needs from the wasm-bindgen glue it is appended to.
const GLUE_INIT: &str = "async function __wbg_init";
const GLUE_API: &str = "export function api(";
/// What a host page (and waymark.js, for pick.js) imports from an SDK module.
const SDK_EXPORTS: [&str; 8] = [
    "default",
    "ready",
    "init",
    "start",
    "stop",
    "openLauncher",
    "identify",
    "on",
];
/// V8's explicit compile hint, the first line of waymark.js: most glue functions are
/// called by the first init, so V8 compiles them with the script (off the main thread
/// while it streams) instead of one by one during init (~6 ms of the first step).
const COMPILE_HINT: &str = "//# allFunctionsCalledOnLoad\n";
/// The files scripts/precompress.mjs writes copies of (its ASSET pattern).
const ASSET_EXTENSIONS: [&str; 7] = ["js", "mjs", "css", "html", "wasm", "json", "svg"];
const WASM_MAGIC: &[u8] = b"\0asm\x01\0\0\0";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("dist") => parse_dist(&args[1..]).and_then(|options| Build::new().dist(&options)),
        Some("core-share") if args.len() == 1 => Build::new().core_share(),
        Some("help" | "-h" | "--help") => {
            print!("{}", usage());
            return ExitCode::SUCCESS;
        }
        _ => Err(Failure::usage(format!(
            "unknown task or arguments '{}'",
            args.join(" ")
        ))),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            eprintln!("xtask: {failure}");
            ExitCode::FAILURE
        }
    }
}

fn usage() -> &'static str {
    "usage: cargo xtask dist [--release|--debug] [--www DIR]\n       cargo xtask core-share\n"
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// The `wasm-release` profile and every size pass: what `./build.sh` ships.
    Release,
    /// Cargo's dev profile, the wasm as wasm-bindgen leaves it and the glue unminified
    /// (names and panics readable), with the loader and the compressed copies.
    Debug,
}

struct DistOptions {
    mode: Mode,
    /// The folder the server serves (`--www` of `waymark serve`).
    www: PathBuf,
}

fn parse_dist(args: &[String]) -> Result<DistOptions> {
    let mut options = DistOptions {
        mode: Mode::Release,
        www: PathBuf::from("www"),
    };
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--release" => options.mode = Mode::Release,
            "--debug" => options.mode = Mode::Debug,
            "--www" => match args.next() {
                Some(dir) => options.www = PathBuf::from(dir),
                None => return Err(Failure::usage("--www needs a folder".into())),
            },
            other => return Err(Failure::usage(format!("unknown argument '{other}'"))),
        }
    }
    Ok(options)
}

/// A failed step: which one, on which file, and what was wrong.
#[derive(Debug)]
struct Failure {
    step: String,
    file: Option<PathBuf>,
    message: String,
}

impl Failure {
    fn usage(message: String) -> Failure {
        Failure {
            step: "arguments".into(),
            file: None,
            message: format!("{message}\n{}", usage()),
        }
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "step \"{}\" failed: ", self.step)?;
        if let Some(file) = &self.file {
            write!(f, "{}: ", file.display())?;
        }
        f.write_str(&self.message)
    }
}

type Result<T> = std::result::Result<T, Failure>;

/// Sizes a built file must be within: bounds that only a broken build falls outside.
#[derive(Clone, Copy)]
struct Bounds {
    min: u64,
    max: u64,
}

const fn kb(min: u64, max: u64) -> Bounds {
    Bounds {
        min: min * 1024,
        max: max * 1024,
    }
}

/// One wasm build: a crate (with features), where its files go and what they are called.
struct WasmBuild<'a> {
    krate: &'a str,
    features: &'a [&'a str],
    out_dir: PathBuf,
    out_name: &'a str,
    glue: Bounds,
    wasm: Bounds,
}

impl WasmBuild<'_> {
    fn glue(&self) -> PathBuf {
        self.out_dir.join(format!("{}.js", self.out_name))
    }
    fn wasm(&self) -> PathBuf {
        self.out_dir.join(format!("{}_bg.wasm", self.out_name))
    }
    fn title(&self) -> String {
        match self.features {
            [] => self.krate.to_string(),
            features => format!("{} (--features {})", self.krate, features.join(",")),
        }
    }
}

struct Build {
    root: PathBuf,
    /// Cargo's target folder (`cargo metadata`: CARGO_TARGET_DIR and config honoured).
    target: Option<PathBuf>,
    /// PATH with the project's tool folders first.
    path: OsString,
    step: String,
}

impl Build {
    fn new() -> Build {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"))
            .parent()
            .expect("xtask/ is in the workspace root")
            .to_path_buf();
        let mut dirs = vec![
            root.join(".tools/node_modules/.bin"),
            root.join("node_modules/.bin"),
        ];
        if let Some(path) = std::env::var_os("PATH") {
            dirs.extend(std::env::split_paths(&path));
        }
        let path = std::env::join_paths(dirs).expect("PATH entries without separators");
        Build {
            root,
            target: None,
            path,
            step: "setup".into(),
        }
    }

    fn step(&mut self, name: impl Into<String>) {
        self.step = name.into();
        println!("\n==> {}", self.step);
    }

    fn fail<T>(&self, file: Option<&Path>, message: impl Into<String>) -> Result<T> {
        Err(Failure {
            step: self.step.clone(),
            file: file.map(|file| self.shown(file)),
            message: message.into(),
        })
    }

    /// FILE relative to the workspace root when it is inside it.
    fn shown(&self, file: &Path) -> PathBuf {
        file.strip_prefix(&self.root).unwrap_or(file).to_path_buf()
    }

    fn command(&self, program: &str) -> Command {
        let mut command = Command::new(program);
        command.current_dir(&self.root).env("PATH", &self.path);
        command
    }

    fn cargo(&self) -> Command {
        self.command(&std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
    }

    /// Runs COMMAND with its output shown; fails unless it exits with 0.
    fn run(&self, command: &mut Command) -> Result<()> {
        let status = command.status();
        self.check_status(command, status.map(|status| (status, Vec::new())))
            .map(drop)
    }

    /// Runs COMMAND and returns its standard output (its errors are shown).
    fn output(&self, command: &mut Command) -> Result<Vec<u8>> {
        let output = command.stderr(Stdio::inherit()).output();
        self.check_status(command, output.map(|output| (output.status, output.stdout)))
    }

    fn check_status(
        &self,
        command: &Command,
        result: std::io::Result<(std::process::ExitStatus, Vec<u8>)>,
    ) -> Result<Vec<u8>> {
        let program = command.get_program().to_string_lossy().into_owned();
        let line = std::iter::once(program.clone())
            .chain(
                command
                    .get_args()
                    .map(|arg| arg.to_string_lossy().into_owned()),
            )
            .collect::<Vec<_>>()
            .join(" ");
        match result {
            Ok((status, stdout)) if status.success() => Ok(stdout),
            Ok((status, _)) => self.fail(None, format!("`{line}` exited with {status}")),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => self.fail(
                None,
                format!("{program} not found (run ./build.sh, which installs it)"),
            ),
            Err(error) => self.fail(None, format!("could not run `{line}`: {error}")),
        }
    }

    fn read(&self, file: &Path) -> Result<Vec<u8>> {
        fs::read(file).or_else(|error| self.fail(Some(file), format!("cannot read it: {error}")))
    }

    fn read_text(&self, file: &Path) -> Result<String> {
        String::from_utf8(self.read(file)?).or_else(|_| self.fail(Some(file), "is not UTF-8 text"))
    }

    /// Writes FILE through a temporary file beside it, so a server or another build
    /// reading it never sees half of it.
    fn write_atomic(&self, file: &Path, bytes: &[u8]) -> Result<()> {
        let name = file.file_name().unwrap_or_default().to_string_lossy();
        let tmp = file.with_file_name(format!(".{name}.tmp-{}", std::process::id()));
        fs::write(&tmp, bytes)
            .and_then(|()| fs::rename(&tmp, file))
            .or_else(|error| {
                let _ = fs::remove_file(&tmp);
                self.fail(Some(file), format!("cannot write it: {error}"))
            })
    }

    /// FILE exists and its size is within BOUNDS; returns the size.
    fn assert_size(&self, file: &Path, bounds: Bounds) -> Result<u64> {
        let size = match fs::metadata(file) {
            Ok(meta) if meta.is_file() => meta.len(),
            Ok(_) => return self.fail(Some(file), "is not a file"),
            Err(error) => return self.fail(Some(file), format!("missing: {error}")),
        };
        if size == 0 {
            return self.fail(Some(file), "is empty");
        }
        if size < bounds.min || size > bounds.max {
            return self.fail(
                Some(file),
                format!(
                    "is {size} bytes, outside the {}..{} bytes a working build makes",
                    bounds.min, bounds.max
                ),
            );
        }
        Ok(size)
    }

    /// FILE is a wasm module (magic and version 1) of a size within BOUNDS.
    fn assert_wasm(&self, file: &Path, bounds: Bounds) -> Result<u64> {
        let size = self.assert_size(file, bounds)?;
        let bytes = self.read(file)?;
        if !bytes.starts_with(WASM_MAGIC) {
            let head: Vec<String> = bytes.iter().take(8).map(|b| format!("{b:02x}")).collect();
            return self.fail(
                Some(file),
                format!(
                    "is not a wasm module (starts with {}, not 00 61 73 6d 01 00 00 00)",
                    head.join(" ")
                ),
            );
        }
        Ok(size)
    }

    /// The glue at FILE exports every name in NAMES.
    fn assert_exports(&self, file: &Path, js: &str, names: &[&str]) -> Result<()> {
        let exported = exported_names(js);
        let missing: Vec<&str> = names
            .iter()
            .copied()
            .filter(|name| !exported.contains(*name))
            .collect();
        if missing.is_empty() {
            Ok(())
        } else {
            self.fail(
                Some(file),
                format!(
                    "does not export {} (exports: {})",
                    missing.join(", "),
                    exported.into_iter().collect::<Vec<_>>().join(", ")
                ),
            )
        }
    }

    // --- the tools -------------------------------------------------------------------

    /// wasm-bindgen at the version of the wasm-bindgen crate in Cargo.lock (the glue
    /// and the wasm it reads must agree), binaryen's wasm-opt at the release build.sh
    /// installs, node, and terser for a release build.
    fn check_tools(&mut self, mode: Mode) -> Result<()> {
        self.step("check the build tools");
        let lock = self.root.join("Cargo.lock");
        let want = match locked_version(&self.read_text(&lock)?, "wasm-bindgen") {
            Some(version) => version,
            None => return self.fail(Some(&lock), "has no wasm-bindgen package"),
        };
        let have = self.tool_version("wasm-bindgen")?;
        if have.split_whitespace().nth(1) != Some(want.as_str()) {
            return self.fail(
                None,
                format!(
                    "wasm-bindgen is '{have}', Cargo.lock has {want}: run ./build.sh, or \
                     cargo install wasm-bindgen-cli --version {want}"
                ),
            );
        }
        let opt = self.tool_version("wasm-opt")?;
        if !opt.contains(&format!("version {BINARYEN_MAJOR}")) {
            return self.fail(
                None,
                format!(
                    "wasm-opt is '{opt}', not binaryen {BINARYEN_MAJOR} (run ./build.sh, \
                     which installs it into .tools/)"
                ),
            );
        }
        let node = self.tool_version("node")?;
        let mut found = vec![have, opt, format!("node {node}")];
        if mode == Mode::Release {
            found.push(self.tool_version("terser")?);
        }
        println!("{}", found.join(", "));
        Ok(())
    }

    /// Cargo's target folder, from `cargo metadata` (read once).
    fn target_dir(&mut self) -> Result<PathBuf> {
        if let Some(dir) = &self.target {
            return Ok(dir.clone());
        }
        let metadata =
            self.output(
                self.cargo()
                    .args(["metadata", "--no-deps", "--format-version", "1"]),
            )?;
        let dir = serde_json::from_slice::<serde_json::Value>(&metadata)
            .ok()
            .and_then(|m| m.get("target_directory")?.as_str().map(PathBuf::from));
        match dir {
            Some(dir) => {
                self.target = Some(dir.clone());
                Ok(dir)
            }
            None => self.fail(None, "`cargo metadata` named no target_directory"),
        }
    }

    fn tool_version(&self, tool: &str) -> Result<String> {
        let out = self.output(self.command(tool).arg("--version"))?;
        Ok(String::from_utf8_lossy(&out).trim().to_string())
    }

    // --- dist ------------------------------------------------------------------------

    fn dist(&mut self, options: &DistOptions) -> Result<()> {
        let www = self.root.join(&options.www);
        let mode = options.mode;
        self.check_tools(mode)?;
        self.step("check the www folder");
        for page in ["index.html", "demo/index.html", "editor/index.html"] {
            self.assert_size(
                &www.join(page),
                Bounds {
                    min: 1,
                    max: u64::MAX,
                },
            )?;
        }
        // Release bounds fit today's files with room either side; a dev build is larger.
        let big = |bounds: Bounds| match mode {
            Mode::Release => bounds,
            Mode::Debug => Bounds {
                min: bounds.min,
                max: 512 << 20,
            },
        };
        let sdk = www.join("sdk");
        let runtime = WasmBuild {
            krate: "waymark-runtime",
            features: &[],
            out_dir: sdk.clone(),
            out_name: "waymark",
            glue: big(kb(4, 200)),
            wasm: big(kb(50, 1024)),
        };
        let pick = WasmBuild {
            krate: "waymark-runtime",
            features: &["pick"],
            out_dir: sdk.clone(),
            out_name: "pick",
            glue: big(kb(10, 400)),
            wasm: big(kb(50, 2048)),
        };
        let editor = WasmBuild {
            krate: "waymark-editor",
            features: &[],
            out_dir: www.join("editor/pkg"),
            out_name: "waymark_editor",
            glue: big(kb(10, 512)),
            wasm: big(kb(200, 10 * 1024)),
        };

        // The runtime every host page loads (sdk/waymark.js + waymark_bg.wasm).
        self.build_wasm(&runtime, mode)?;
        if mode == Mode::Release {
            self.shrink_runtime_wasm(&runtime.wasm(), runtime.wasm)?;
            self.shorten_names(&runtime)?;
        }
        self.append_loader(&runtime, false)?;
        if mode == Mode::Release {
            self.minify_glue(&runtime)?;
        }
        self.add_compile_hint(&runtime)?;
        // The same runtime with the editor's pick mode and preview (feature `pick`:
        // pick.js + pick_bg.wasm), which waymark.js runs instead only inside the
        // editor's frame.
        self.build_wasm(&pick, mode)?;
        self.append_loader(&pick, true)?;
        // The editor.
        self.build_wasm(&editor, mode)?;
        self.assert_exports(
            &editor.glue(),
            &self.read_text(&editor.glue())?,
            &["default"],
        )?;

        self.precompress(&www, &[&runtime, &pick, &editor])?;

        self.step("done");
        for build in [&runtime, &pick, &editor] {
            for file in [build.glue(), build.wasm()] {
                let size = fs::metadata(&file).map(|m| m.len()).unwrap_or(0);
                println!("{:>10} B  {}", size, self.shown(&file).display());
            }
        }
        Ok(())
    }

    /// cargo → wasm-bindgen → wasm-opt (-Oz with the inlining limits; none for a debug
    /// build). Replaces the out folder's files of this build only, so two builds may
    /// share a folder.
    fn build_wasm(&mut self, build: &WasmBuild, mode: Mode) -> Result<()> {
        let (profile, profile_dir) = match mode {
            Mode::Release => (WASM_PROFILE, WASM_PROFILE),
            Mode::Debug => ("dev", "debug"),
        };
        self.step(format!("build {} (wasm, {profile})", build.title()));
        let mut cargo = self.cargo();
        cargo.args([
            "build",
            "--profile",
            profile,
            "--target",
            WASM_TARGET,
            "-p",
            build.krate,
        ]);
        if !build.features.is_empty() {
            cargo.args(["--features", &build.features.join(",")]);
        }
        self.run(&mut cargo)?;
        let artifact = self
            .target_dir()?
            .join(WASM_TARGET)
            .join(profile_dir)
            .join(format!("{}.wasm", build.krate.replace('-', "_")));
        self.assert_wasm(&artifact, kb(10, 512 * 1024))?;

        self.step(format!("wasm-bindgen {}", build.title()));
        fs::create_dir_all(&build.out_dir).or_else(|error| {
            self.fail(Some(&build.out_dir), format!("cannot create it: {error}"))
        })?;
        for file in [build.glue(), build.wasm()] {
            remove_file(&file).or_else(|error| {
                self.fail(
                    Some(&file),
                    format!("cannot remove the last build's: {error}"),
                )
            })?;
        }
        let snippets = build.out_dir.join("snippets");
        if snippets.exists() {
            fs::remove_dir_all(&snippets).or_else(|error| {
                self.fail(Some(&snippets), format!("cannot remove it: {error}"))
            })?;
        }
        self.run(
            self.command("wasm-bindgen")
                .args(["--target", "web", "--no-typescript", "--out-dir"])
                .arg(&build.out_dir)
                .args(["--out-name", build.out_name])
                .arg(&artifact),
        )?;
        self.assert_wasm(&build.wasm(), build.wasm)?;
        self.assert_size(&build.glue(), build.glue)?;
        let glue = self.read_text(&build.glue())?;
        if !glue.lines().any(|line| line.starts_with(GLUE_INIT)) {
            return self.fail(Some(&build.glue()), format!("has no `{GLUE_INIT}`"));
        }
        let wasm_name = format!("{}_bg.wasm", build.out_name);
        if !glue.contains(&format!("'{wasm_name}'")) {
            // The glue loads the wasm by this name, which the server rewrites to a
            // content-hashed one (server/src/http/static_files.rs).
            return self.fail(Some(&build.glue()), format!("does not name '{wasm_name}'"));
        }

        if mode == Mode::Release {
            self.step(format!("wasm-opt -Oz {}", build.title()));
            let wasm = build.wasm();
            self.run(
                self.command("wasm-opt")
                    .args(WASM_INLINE)
                    .arg("-Oz")
                    .arg(&wasm)
                    .arg("-o")
                    .arg(&wasm),
            )?;
            self.assert_wasm(&wasm, build.wasm)?;
        }
        Ok(())
    }

    /// The runtime's size passes after build_wasm's -Oz (also applied to the core's
    /// share measured by `cargo xtask core-share`).
    fn shrink_runtime_wasm(&mut self, wasm: &Path, bounds: Bounds) -> Result<()> {
        self.step(format!(
            "wasm-opt size passes {}",
            self.shown(wasm).display()
        ));
        let before = self.assert_wasm(wasm, bounds)?;
        // Flattened and re-looped control flow gives -Oz more to merge: ~750 B gzipped
        // less, and a second round 74 B more (measured: --type-ssa --gufa,
        // --inlining-optimizing, -O3 first: no gain).
        self.run(
            self.command("wasm-opt")
                .args(WASM_INLINE)
                .args([
                    "--flatten",
                    "--rereloop",
                    "-Oz",
                    "--flatten",
                    "--rereloop",
                    "-Oz",
                ])
                .arg(wasm)
                .arg("-o")
                .arg(wasm),
        )?;
        self.assert_wasm(wasm, bounds)?;
        // Optimising until nothing changes takes ~10 s more and saves ~9 KB gzipped.
        self.run(
            self.command("wasm-opt")
                .args(WASM_INLINE)
                .args(["-Oz", "--converge"])
                .arg(wasm)
                .arg("-o")
                .arg(wasm),
        )?;
        let after = self.assert_wasm(wasm, bounds)?;
        if after > before {
            return self.fail(
                Some(wasm),
                format!("the size passes made it larger ({before} -> {after} bytes)"),
            );
        }
        println!("{before} -> {after} bytes");
        Ok(())
    }

    /// Short import and export names in the wasm and the glue: ~6 KB gzipped less.
    /// The producers and target-features sections are for tools, not browsers.
    /// runtime/js/shorten-names.mjs applies wasm-opt's renaming to the glue and checks
    /// the glue against the wasm.
    fn shorten_names(&mut self, build: &WasmBuild) -> Result<()> {
        self.step(format!(
            "shorten the import and export names of {}",
            build.out_name
        ));
        let wasm = build.wasm();
        let map = self.output(
            self.command("wasm-opt")
                .args([
                    "--minify-imports-and-exports-and-modules",
                    "--strip-producers",
                    "--strip-target-features",
                ])
                .arg(&wasm)
                .arg("-o")
                .arg(&wasm),
        )?;
        self.assert_wasm(&wasm, build.wasm)?;
        let renamed = serde_json::from_slice::<serde_json::Value>(&map)
            .ok()
            .and_then(|map| {
                let count = |key: &str| map.get(key)?.as_array().map(Vec::len);
                Some((count("imports")?, count("exports")?))
            });
        let (imports, exports) = match renamed {
            Some((imports, exports)) if imports > 0 && exports > 0 => (imports, exports),
            _ => {
                let head = String::from_utf8_lossy(&map[..map.len().min(200)]).into_owned();
                return self.fail(
                    Some(&wasm),
                    format!(
                        "wasm-opt printed no renamed imports and exports as JSON (it printed \
                         '{head}')"
                    ),
                );
            }
        };
        let map_file =
            std::env::temp_dir().join(format!("waymark-names.{}.json", std::process::id()));
        fs::write(&map_file, &map)
            .or_else(|error| self.fail(Some(&map_file), format!("cannot write it: {error}")))?;
        let shortened = self.run(
            self.command("node")
                .arg("runtime/js/shorten-names.mjs")
                .arg(&map_file)
                .arg(build.glue())
                .arg(&wasm),
        );
        let _ = fs::remove_file(&map_file);
        shortened?;
        let glue = self.read_text(&build.glue())?;
        // wasm-bindgen names each import after the JS it calls plus a hash
        // (`__wbg_querySelectorAll_50069ecfca89cb23`): none may be left in the glue.
        let long = glue
            .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '$'))
            .filter(|word| is_hashed_import(word))
            .count();
        if long > 0 {
            return self.fail(
                Some(&build.glue()),
                format!("{long} long wasm-bindgen import names are left after shortening"),
            );
        }
        println!("{imports} imports and {exports} exports renamed");
        Ok(())
    }

    /// Appends the loader (runtime/js/loader.js) to the wasm-bindgen glue, so one module
    /// file starts the wasm, exports the API and handles the one-tag embed; the pick
    /// build's copy is told it is the pick build.
    fn append_loader(&mut self, build: &WasmBuild, pick: bool) -> Result<()> {
        self.step(format!("append the loader to {}.js", build.out_name));
        let glue_file = build.glue();
        let glue = self.read_text(&glue_file)?;
        for needed in [GLUE_INIT, GLUE_API] {
            if !glue.lines().any(|line| line.starts_with(needed)) {
                return self.fail(
                    Some(&glue_file),
                    format!("the wasm-bindgen glue has no `{needed}`: update runtime/js/loader.js"),
                );
            }
        }
        let loader_file = self.root.join("runtime/js/loader.js");
        let loader = self.read_text(&loader_file)?;
        let (loader, found) = set_pick_build(&loader, pick);
        if found != 1 {
            return self.fail(
                Some(&loader_file),
                format!("has {found} `const PICK_BUILD = false;` lines, not one"),
            );
        }
        let mut out = glue_before_loader(&glue).to_string();
        out.push_str(&loader);
        self.write_atomic(&glue_file, out.as_bytes())?;
        let written = self.read_text(&glue_file)?;
        if written.matches(LOADER_MARK).count() != 1 {
            return self.fail(Some(&glue_file), "does not hold the loader exactly once");
        }
        self.assert_exports(&glue_file, &written, &SDK_EXPORTS)?;
        self.assert_size(&glue_file, build.glue)?;
        Ok(())
    }

    /// Minified (names local to the module, whitespace, comments): ~2.7 KB gzipped less.
    fn minify_glue(&mut self, build: &WasmBuild) -> Result<()> {
        let glue = build.glue();
        self.step(format!("terser {}", self.shown(&glue).display()));
        let before = self.assert_size(&glue, build.glue)?;
        self.run(
            self.command("terser")
                .arg(&glue)
                .args(["--module", "--compress", "--mangle", "-o"])
                .arg(&glue),
        )?;
        let after = self.assert_size(&glue, build.glue)?;
        if after >= before {
            return self.fail(
                Some(&glue),
                format!("terser did not make it smaller ({before} -> {after} bytes)"),
            );
        }
        let js = self.read_text(&glue)?;
        self.assert_exports(&glue, &js, &SDK_EXPORTS)?;
        if !js.contains(&format!("\"{}_bg.wasm\"", build.out_name)) {
            return self.fail(
                Some(&glue),
                format!("no longer names '{}_bg.wasm' as a string", build.out_name),
            );
        }
        println!("{before} -> {after} bytes");
        Ok(())
    }

    fn add_compile_hint(&mut self, build: &WasmBuild) -> Result<()> {
        let glue = build.glue();
        self.step(format!(
            "V8 compile hint in {}",
            self.shown(&glue).display()
        ));
        let js = self.read_text(&glue)?;
        if !js.starts_with(COMPILE_HINT) {
            self.write_atomic(&glue, format!("{COMPILE_HINT}{js}").as_bytes())?;
        }
        if !self.read_text(&glue)?.starts_with(COMPILE_HINT) {
            return self.fail(Some(&glue), "does not start with the compile hint");
        }
        Ok(())
    }

    /// Brotli (quality 11) and gzip (level 9) copies, FILE.br and FILE.gz, beside each
    /// asset the server sends (the SDK, the editor, the demo, the landing page),
    /// rewritten every build; the server sends one to a client that accepts it and
    /// ignores a copy older than its file (server/src/http/static_files/encoding.rs).
    fn precompress(&mut self, www: &Path, builds: &[&WasmBuild]) -> Result<()> {
        self.step("precompress (br, gzip)");
        let targets: Vec<PathBuf> = ["sdk", "editor", "demo", "index.html"]
            .iter()
            .map(|target| www.join(target))
            .collect();
        self.run(
            self.command("node")
                .arg("scripts/precompress.mjs")
                .args(&targets),
        )?;
        // This build's files compress well: each must have both copies.
        let built: BTreeSet<PathBuf> = builds
            .iter()
            .flat_map(|build| [build.glue(), build.wasm()])
            .collect();
        let mut assets = Vec::new();
        for target in &targets {
            self.collect_assets(target, &mut assets)?;
        }
        for file in &assets {
            let meta = self.metadata(file)?;
            for coding in ["br", "gz"] {
                let copy = PathBuf::from(format!("{}.{coding}", file.display()));
                let copy_meta = match fs::metadata(&copy) {
                    Ok(meta) => meta,
                    Err(_) if !built.contains(file) => continue,
                    Err(error) => {
                        return self.fail(Some(&copy), format!("missing: {error}"));
                    }
                };
                if copy_meta.len() == 0 || copy_meta.len() >= meta.len() {
                    return self.fail(
                        Some(&copy),
                        format!(
                            "is {} bytes, its file {} bytes: a copy must be smaller",
                            copy_meta.len(),
                            meta.len()
                        ),
                    );
                }
                match (meta.modified(), copy_meta.modified()) {
                    (Ok(file_time), Ok(copy_time)) if copy_time >= file_time => {}
                    _ => {
                        return self.fail(
                            Some(&copy),
                            "is older than its file: the server would not send it",
                        )
                    }
                }
                if coding == "gz" && !self.read(&copy)?.starts_with(&[0x1f, 0x8b]) {
                    return self.fail(Some(&copy), "is not gzip data");
                }
            }
        }
        println!("{} assets checked", assets.len());
        Ok(())
    }

    fn metadata(&self, file: &Path) -> Result<fs::Metadata> {
        fs::metadata(file).or_else(|error| self.fail(Some(file), format!("missing: {error}")))
    }

    /// The files under TARGET that scripts/precompress.mjs compresses.
    fn collect_assets(&self, target: &Path, out: &mut Vec<PathBuf>) -> Result<()> {
        let is_asset = |path: &Path| {
            path.extension()
                .and_then(|ext| ext.to_str())
                .is_some_and(|ext| ASSET_EXTENSIONS.contains(&ext))
        };
        if self.metadata(target)?.is_file() {
            if is_asset(target) {
                out.push(target.to_path_buf());
            }
            return Ok(());
        }
        let entries = fs::read_dir(target)
            .or_else(|error| self.fail(Some(target), format!("cannot list it: {error}")))?;
        let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok()).map(|e| e.path()).collect();
        paths.sort();
        for path in paths {
            let file_type = fs::symlink_metadata(&path).map(|m| m.file_type());
            match file_type {
                Ok(t) if t.is_dir() => self.collect_assets(&path, out)?,
                Ok(t) if t.is_file() && is_asset(&path) => out.push(path),
                _ => {}
            }
        }
        Ok(())
    }

    // --- core-share ------------------------------------------------------------------

    /// How much of the runtime's wasm is the core: runtime/examples/core_only.rs runs
    /// the runtime's guide reader, validation, engine, ticket drafting, markup and
    /// geometry with none of its DOM code, built and shrunk like the runtime's wasm.
    fn core_share(&mut self) -> Result<()> {
        self.check_tools(Mode::Debug)?;
        self.step("build the core alone (runtime/examples/core_only.rs)");
        self.run(self.cargo().args([
            "build",
            "--profile",
            WASM_PROFILE,
            "--target",
            WASM_TARGET,
            "-p",
            "waymark-runtime",
            "--example",
            "core_only",
        ]))?;
        let artifact = self
            .target_dir()?
            .join(WASM_TARGET)
            .join(WASM_PROFILE)
            .join("examples/core_only.wasm");
        self.assert_wasm(&artifact, kb(10, 64 * 1024))?;
        let out = std::env::temp_dir().join(format!("waymark-core.{}", std::process::id()));
        let result = self.core_share_in(&artifact, &out);
        let _ = fs::remove_dir_all(&out);
        result
    }

    fn core_share_in(&mut self, artifact: &Path, out: &Path) -> Result<()> {
        let wasm = out.join("core_bg.wasm");
        let bounds = kb(10, 2048);
        self.step("wasm-bindgen and wasm-opt the core");
        self.run(
            self.command("wasm-bindgen")
                .args(["--target", "web", "--no-typescript", "--out-dir"])
                .arg(out)
                .args(["--out-name", "core"])
                .arg(artifact),
        )?;
        self.run(
            self.command("wasm-opt")
                .args(WASM_INLINE)
                .arg("-Oz")
                .arg(&wasm)
                .arg("-o")
                .arg(&wasm),
        )?;
        self.shrink_runtime_wasm(&wasm, bounds)?;
        self.run(
            self.command("wasm-opt")
                .args(["--strip-producers", "--strip-target-features"])
                .arg(&wasm)
                .arg("-o")
                .arg(&wasm),
        )?;
        self.assert_wasm(&wasm, bounds)?;
        let gzipped = self.output(self.command("gzip").args(["-9", "-c"]).arg(&wasm))?;
        println!(
            "{:<8} {:>7.1} KB gzipped (wasm: the core as the runtime runs it, no DOM code)",
            "core",
            gzipped.len() as f64 / 1024.0
        );
        Ok(())
    }
}

fn remove_file(file: &Path) -> std::io::Result<()> {
    match fs::remove_file(file) {
        Err(error) if error.kind() != std::io::ErrorKind::NotFound => Err(error),
        _ => Ok(()),
    }
}

/// The version of package NAME in a Cargo.lock (the first one listed).
fn locked_version(lock: &str, name: &str) -> Option<String> {
    let wanted = format!("name = \"{name}\"");
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line == wanted {
            let version = lines.next()?.strip_prefix("version = \"")?;
            return Some(version.strip_suffix('"')?.to_string());
        }
    }
    None
}

/// A wasm-bindgen import name: `__wbg_NAME_` and a 16-digit hex hash.
fn is_hashed_import(word: &str) -> bool {
    let Some(rest) = word.strip_prefix("__wbg_") else {
        return false;
    };
    match rest.len().checked_sub(17).map(|at| rest.split_at(at)) {
        Some((_, hash)) => {
            hash.starts_with('_') && hash[1..].bytes().all(|b| b.is_ascii_hexdigit())
        }
        None => false,
    }
}

/// The glue up to the line where a loader appended earlier starts (all of it when none
/// was), so appending the loader twice leaves one.
fn glue_before_loader(glue: &str) -> &str {
    let mut at = 0;
    for line in glue.split_inclusive('\n') {
        if line.starts_with(LOADER_MARK) {
            return &glue[..at];
        }
        at += line.len();
    }
    glue
}

/// The loader with its `const PICK_BUILD = false;` line set to PICK, and how many such
/// lines it had.
fn set_pick_build(loader: &str, pick: bool) -> (String, usize) {
    const LINE: &str = "const PICK_BUILD = false;";
    let mut found = 0;
    let out = loader
        .split_inclusive('\n')
        .map(|line| match line.strip_prefix(LINE) {
            Some(rest) => {
                found += 1;
                format!("const PICK_BUILD = {pick};{rest}")
            }
            None => line.to_string(),
        })
        .collect();
    (out, found)
}

/// The names an ES module exports: `export function|const|let|var|class NAME` and
/// `export { a, b as c }` (the part after `as`), as wasm-bindgen and terser write them.
fn exported_names(js: &str) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    let ident = |s: &str| -> String {
        s.chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == '$')
            .collect()
    };
    for (at, _) in js.match_indices("export") {
        let before = js[..at].chars().next_back();
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '$' || c == '.') {
            continue;
        }
        let rest = js[at + "export".len()..].trim_start();
        if let Some(list) = rest.strip_prefix('{') {
            let Some(end) = list.find('}') else { continue };
            for item in list[..end].split(',') {
                let name = item.rsplit(" as ").next().unwrap_or(item).trim();
                if !name.is_empty() {
                    names.insert(name.to_string());
                }
            }
            continue;
        }
        let rest = rest
            .strip_prefix("async ")
            .map(str::trim_start)
            .unwrap_or(rest);
        for keyword in ["function", "const", "let", "var", "class"] {
            let Some(after) = rest.strip_prefix(keyword) else {
                continue;
            };
            let after = after.trim_start_matches('*');
            if after.starts_with(char::is_whitespace) {
                let name = ident(after.trim_start());
                if !name.is_empty() {
                    names.insert(name);
                }
            }
            break;
        }
    }
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exported_names_reads_wasm_bindgen_and_terser_output() {
        let glue = "export function api(a) {}\nexport { initSync, __wbg_init as default };\n\
                    export const ready = 1;\nexport async function later() {}\n";
        let names = exported_names(glue);
        let expected = ["api", "default", "initSync", "later", "ready"];
        assert_eq!(
            names.iter().map(String::as_str).collect::<Vec<_>>(),
            expected
        );
        let minified = "export function api(n,t){}const E=1;export{R as initSync,E as default};\
                        export const ready=E,init=later(\"init\");";
        let names = exported_names(minified);
        assert!(names.contains("default") && names.contains("initSync") && names.contains("ready"));
        assert!(!names.contains("R") && !names.contains("E"));
    }

    #[test]
    fn exported_names_ignores_words_that_contain_export() {
        let names = exported_names("const reexported = 1; x.export(2); function exports() {}");
        assert!(names.is_empty(), "{names:?}");
    }

    #[test]
    fn hashed_import_names_are_told_from_the_glues_own() {
        assert!(is_hashed_import("__wbg_querySelectorAll_50069ecfca89cb23"));
        assert!(!is_hashed_import("__wbg_init"));
        assert!(!is_hashed_import("__wbg_get_imports"));
        assert!(!is_hashed_import("__wbg_querySelectorAll_50069ecfca89cbzz"));
    }

    #[test]
    fn locked_version_reads_the_line_after_the_name() {
        let lock = "[[package]]\nname = \"wasm-bindgen-macro\"\nversion = \"0.2.1\"\n\n\
                    [[package]]\nname = \"wasm-bindgen\"\nversion = \"0.2.130\"\n";
        assert_eq!(
            locked_version(lock, "wasm-bindgen").as_deref(),
            Some("0.2.130")
        );
        assert_eq!(locked_version(lock, "serde"), None);
    }

    #[test]
    fn the_loader_replaces_an_earlier_one_and_sets_pick_build() {
        let glue = "async function __wbg_init() {}\n";
        let loader =
            "\n// ---- Waymark loader\nconst PICK_BUILD = false;\nexport const ready = 1;\n";
        let (pick_loader, found) = set_pick_build(loader, true);
        assert_eq!(found, 1);
        assert!(pick_loader.contains("const PICK_BUILD = true;\n"));
        let once = format!("{}{pick_loader}", glue_before_loader(glue));
        let twice = format!("{}{pick_loader}", glue_before_loader(&once));
        assert_eq!(twice.matches(LOADER_MARK).count(), 1);
        // The blank line before the marker stays, as with build.sh's sed before.
        assert_eq!(twice, format!("{glue}\n{pick_loader}"));
    }
}
