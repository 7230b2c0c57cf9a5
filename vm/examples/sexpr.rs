fn main() {
    let path = std::env::args().nth(1).expect("file");
    let src = std::fs::read_to_string(&path).unwrap();
    match impish_vm::syntax::parse(&src, &path) {
        Ok(ast) => print!("{}", impish_vm::syntax::sexpr::program(&ast.program)),
        Err(e) => println!("{e}"),
    }
}
