# How big each function of a printed MLIR module is, so that FileCheck can
# compare models of different depths (compile-cost.test):
#   python3 function_sizes.py PREFIX < module.mlir
# prints, for each function named PREFIX or PREFIX_nest<N>:
#   PREFIX: <ops> ops                  the function itself
#   PREFIX nests: <count>              how many nests were outlined from it
#   PREFIX largest nest: <ops> ops     the biggest of them
#   functions: <count>                 all functions of the module
# An op is a line of the printed IR other than a closing brace.
import re
import sys

prefix = sys.argv[1]
sizes = {}
current = None
for line in sys.stdin:
    m = re.match(r'  func\.func (?:private )?@([\w.$-]+)\(', line)
    if m:
        current = m.group(1)
        sizes[current] = 0
    elif line.startswith('  }'):
        current = None
    elif current is not None and line.strip() not in ('', '}', '} else {'):
        sizes[current] += 1

nests = [ops for name, ops in sizes.items()
         if re.fullmatch(re.escape(prefix) + r'_nest\d+', name)]
print(f'{prefix}: {sizes.get(prefix, 0)} ops')
print(f'{prefix} nests: {len(nests)}')
print(f'{prefix} largest nest: {max(nests, default=0)} ops')
print(f'functions: {len(sizes)}')
