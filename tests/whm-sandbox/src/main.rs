//! The `whm-sandbox` binary: see [`whm_sandbox::main_with`].

fn main() {
    std::process::exit(whm_sandbox::main_with(std::env::args().skip(1)));
}
