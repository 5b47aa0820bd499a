from timeline.cli import cli

if __name__ == "__main__":  # not when a worker process (multiprocessing's spawn) imports it
    cli(prog_name="timeline")
