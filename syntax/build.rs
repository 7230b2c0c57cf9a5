//! Generates the LR parser from `src/grammar.lalrpop`.
fn main() {
    lalrpop::Configuration::new()
        .use_cargo_dir_conventions()
        .process()
        .expect("the Squirrel grammar must generate without conflicts");
}
