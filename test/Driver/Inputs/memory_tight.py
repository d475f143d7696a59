"""Reads `cnnc MODEL --memory` on stdin and checks that the plan is tight:
for each batch of the last table, peak live <= workspace < sum of all
buffers, and the workspace exceeds the peak by at most the fixed region
(C of C + S*n: the fixed and per-image regions are packed apart, so they
may peak at different steps) plus `slack` bytes per image (the rounding of
per-image sizes to 64 bytes). Prints one line per batch with the saving;
exits 1 with FAIL on the first batch that breaks it.
    memory_tight.py SLACK_PER_IMAGE < report"""
import re
import sys

slack = int(sys.argv[1])
rows = []
lines = sys.stdin.read().splitlines()
fixed = 0
for line in lines:
    m = re.match(r'Workspace \(cnnc_workspace_bytes\): (\d+)( \+ \d+\*n)? bytes', line)
    if m:
        fixed = int(m.group(1)) if m.group(2) else 0
start = next(i for i, line in enumerate(lines)
             if line.split()[:2] == ['batch', 'workspace'])
for line in lines[start + 1:]:
    if line.strip():
        rows.append([int(x) for x in line.split()])
if not rows:
    print('FAIL: no batch table')
    sys.exit(1)
for batch, workspace, peak, total in rows:
    if not peak <= workspace < total:
        print('FAIL: batch %d: peak %d, workspace %d, sum %d'
              % (batch, peak, workspace, total))
        sys.exit(1)
    if workspace - peak > fixed + slack * batch:
        print('FAIL: batch %d: workspace %d is %d bytes above the peak %d'
              % (batch, workspace, workspace - peak, peak))
        sys.exit(1)
    print('batch %d: peak %d <= workspace %d < sum %d (%.1f%% of it)'
          % (batch, peak, workspace, total, 100.0 * workspace / total))
