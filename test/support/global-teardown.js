module.exports = async () => {
  for (const child of [globalThis.__TEST_POSTGRES__, globalThis.__TEST_REDIS__]) {
    if (!child || child.exitCode !== null) continue;
    const exited = new Promise((resolve) => child.on('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }
};
