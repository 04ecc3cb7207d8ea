//! The `pep-tracker` binary: everything lives in the library.

fn main() -> std::process::ExitCode {
    pep_tracker::cli::memory::one_arena();
    pep_tracker::cli::main()
}
