//! The `kgql` binary.

fn main() -> std::process::ExitCode {
    kgql::cli::main()
}
