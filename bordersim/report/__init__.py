"""What a run leaves behind: results files, figures and the terminal summary."""
