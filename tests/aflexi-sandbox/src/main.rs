//! The `aflexi-sandbox` binary: see [`aflexi_sandbox::cli`] for the command line.

fn main() {
    std::process::exit(aflexi_sandbox::cli::main_with(std::env::args().skip(1)));
}
