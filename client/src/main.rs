//! `infera`: command-line client of the Infera marketplace. Parses the command line, runs it
//! through the library ([`infera_client::cli::execute`]) and prints the result.

use clap::Parser;
use infera_client::cli::{execute, Cli};
use std::{io::Write, process::ExitCode};

/// Prints a line to stdout. A closed stdout (`infera job list | head`) is not an error of the
/// command: the rest of the output is dropped quietly.
fn print_line(line: &str) {
	let _ = writeln!(std::io::stdout().lock(), "{line}");
}

#[tokio::main]
async fn main() -> ExitCode {
	let cli = Cli::parse();
	let json = cli.json;
	match execute(&cli, |line| print_line(&line)).await {
		Ok(out) => {
			if json {
				print_line(&out.json.to_string());
			} else {
				print_line(&out.text);
			}
			ExitCode::SUCCESS
		}
		Err(e) => {
			if json {
				print_line(&serde_json::json!({ "error": format!("{e:#}") }).to_string());
			}
			eprintln!("error: {e:#}");
			ExitCode::FAILURE
		}
	}
}
