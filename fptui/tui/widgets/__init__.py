"""The parts several screens share: the score panel, the virtual list, plain text."""
