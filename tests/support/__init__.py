"""What the tests share and are not tests: fakes, file factories, page servers, load scenarios, paths."""
