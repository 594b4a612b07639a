# node-llama-cpp lists prebuilt binaries for every platform as optional dependencies; the npm
# registry reachable here serves only the Linux ones, so `npm install` leaves the others out of
# package-lock.json and `npm ci` then refuses the lock. This adds platform-gated entries for them
# (npm skips them by os/cpu without fetching). Run after any `npm install`:
#   python3 ops/lockfile-platforms.py package-lock.json
import json, sys
p = sys.argv[1]
lock = json.load(open(p))
pk = lock['packages']
plat = {
 'linux-riscv64': (['linux'], ['riscv64']), 'mac-arm64-metal': (['darwin'], ['arm64']), 'mac-x64': (['darwin'], ['x64']),
 'win-arm64': (['win32'], ['arm64']), 'win-x64': (['win32'], ['x64']), 'win-x64-cuda': (['win32'], ['x64']),
 'win-x64-cuda-ext': (['win32'], ['x64']), 'win-x64-vulkan': (['win32'], ['x64']),
}
ver = pk['node_modules/node-llama-cpp']['version']
for name, (os_, cpu) in plat.items():
    key = f'node_modules/@node-llama-cpp/{name}'
    if key not in pk:
        pk[key] = {'version': ver, 'cpu': cpu, 'license': 'MIT', 'optional': True, 'os': os_}

json.dump(lock, open(p, 'w'), indent=2); open(p, 'a').write('\n')
