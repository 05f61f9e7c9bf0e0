"""The queue: table model over keyset pages, its view, and the cell formatting."""
