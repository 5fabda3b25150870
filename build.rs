// Link the `abx` binary as a non-PIE executable. Position-independent
// executables are relocated by the dynamic loader at every start: with polars
// linked in that is over 100,000 relative relocations, most of the 3 ms a
// calculator (`abx power`, `abx test`) takes. A non-PIE executable has them
// resolved by the linker instead (issue 19). Only the binary is affected:
// build scripts, proc-macros, the library and the test binaries link as
// before, and the code itself stays position-independent.
fn main() {
    if std::env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("linux") {
        println!("cargo:rustc-link-arg-bins=-no-pie");
    }
    println!("cargo:rerun-if-changed=build.rs");
}
