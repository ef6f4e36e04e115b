<?php
/**
 * The hostile fake Aflexi API of the security suite (hostile-server.php) as a child process
 * of the test run, with its own folder for the scenario and the log of what it received. A
 * second instance serves as the capture server that redirects point to.
 */

declare(strict_types=1);

namespace AflexiSecurityTests\Support;

use AflexiTests\Support\ChildProcess;

final class HostileApi extends ChildProcess
{
    private string $dir;

    public function __construct()
    {
        $dir = sys_get_temp_dir() . '/aflexi-hostile-' . bin2hex(random_bytes(6));
        mkdir($dir);
        $this->dir = $dir;
        parent::__construct('hostile API', [PHP_BINARY, '-n', __DIR__ . '/hostile-server.php', $dir]);
    }

    /** How it answers from now on (see hostile-server.php). */
    public function answer(array $scenario): void
    {
        file_put_contents($this->dir . '/scenario.json', json_encode($scenario));
    }

    /** Everything it received so far (request lines, headers, bodies). */
    public function received(): string
    {
        return (string) @file_get_contents($this->dir . '/requests.log');
    }

    public function coreUrl(): string
    {
        return $this->url() . '/core/xmlrpc';
    }

    public function __destruct()
    {
        $this->stop();
        foreach (glob($this->dir . '/*') ?: [] as $file) {
            @unlink($file);
        }
        @rmdir($this->dir);
    }
}
