"""What the build's example runs, the test suite and the benchmarks share.

github.py        a git server on 127.0.0.1 in GitHub's URL shapes (archives by ref, smart-HTTP refs),
                 which the build's example notebooks and the loader's tests fetch hubs from
gitrepos.py      real git repositories written commit by commit
hubrepos.py      hub repositories and project folders like this one, for the generator
verification.py  the verification environment tests and benchmarks verify hubs in

`NO_SANDBOX` is why the tests of the sandbox itself are skipped where bubblewrap cannot make one.
"""

NO_SANDBOX = (
    "bubblewrap cannot make a sandbox here: install it (sudo apt-get install bubblewrap; .ci/run does) and "
    "allow unprivileged user namespaces"
)
