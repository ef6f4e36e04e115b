<?php
/**
 * Without the PHP extension `aflexi` (or with another version of it), every function of the
 * module and every hook says so and how to install it, instead of a fatal error.
 */

declare(strict_types=1);

use PHPUnit\Framework\TestCase;
use WHMCS\Module\Server\Aflexi\Extension;
use WHMCS\Module\Server\Aflexi\Version;

final class ExtensionTest extends TestCase
{
    /** @testdox If the extension is not loaded, every function and hook says so and how to install it */
    #[\PHPUnit\Framework\Attributes\TestDox('If the extension is not loaded, every function and hook says so and how to install it')]
    public function testEveryFunctionSaysTheExtensionIsMissingAndHowToInstallIt(): void
    {
        $moduleDir = dirname(__DIR__, 3) . '/whmcs-module/modules/servers/aflexi';
        $command = [PHP_BINARY, '-n', __DIR__ . '/support/without-extension.php', $moduleDir];
        $process = proc_open($command, [1 => ['pipe', 'w'], 2 => ['pipe', 'w']], $pipes);
        $stdout = stream_get_contents($pipes[1]);
        $stderr = stream_get_contents($pipes[2]);
        $status = proc_close($process);
        self::assertSame(0, $status, $stderr . $stdout);
        $out = json_decode((string) $stdout, true, 512, JSON_THROW_ON_ERROR);
        $results = $out['results'];

        self::assertFalse($results['extension_loaded'], 'the child PHP runs without the extension');
        self::assertSame('Aflexi CDN', $results['MetaData']['DisplayName'], 'MetaData still answers');
        self::assertSame(['Package name', 'Single sign-on', 'Bandwidth alert thresholds'], $results['ConfigOptions'], 'ConfigOptions still answers');
        $messages = [
            $results['TestConnection']['error'],
            $results['ListAccounts']['error'],
            $results['AdminServicesTabFields']['Aflexi extension'],
            $results['ServiceSingleSignOn']['errorMsg'],
        ];
        foreach (['CreateAccount', 'SuspendAccount', 'UnsuspendAccount', 'TerminateAccount', 'ChangePackage', 'ChangePassword', 'Resync'] as $function) {
            $messages[] = $results[$function];
        }
        self::assertFalse($results['TestConnection']['success']);
        self::assertFalse($results['ListAccounts']['success']);
        self::assertFalse($results['ServiceSingleSignOn']['success']);
        $activity = array_values(preg_grep('/\[(ClientClose|PreDeleteClient|ClientDelete|BandwidthAlerts)\b/', $out['log']['activity']));
        self::assertCount(4, $activity, 'ClientClose, PreDeleteClient, ClientDelete and the DailyCronJob alerts each logged it');
        array_push($messages, ...$activity);
        foreach ($messages as $message) {
            self::assertStringContainsString('is not loaded', html_entity_decode($message));
            self::assertStringContainsString('./install.sh WHMCS_ROOT', $message);
            self::assertStringContainsString('php -m', $message);
            self::assertStringContainsString('php --ri aflexi', $message);
        }
        self::assertSame('templates/error.tpl', $results['ClientArea']['tabOverviewModuleOutputTemplate'], 'the client sees a neutral message');
        self::assertSame([], $results['EmailPreSend']);
    }

    /** @testdox An extension of another version is refused, naming both versions */
    #[\PHPUnit\Framework\Attributes\TestDox('An extension of another version is refused, naming both versions')]
    public function testAnExtensionOfAnotherVersionIsRefused(): void
    {
        $message = Extension::diagnose(true, '9.9.9', '0.1.0');

        self::assertStringContainsString('version 9.9.9', $message);
        self::assertStringContainsString('version 0.1.0', $message);
        self::assertStringContainsString('./install.sh WHMCS_ROOT', $message);
        self::assertNull(Extension::diagnose(true, '0.1.0', '0.1.0'));
        self::assertStringContainsString('is not loaded', (string) Extension::diagnose(false, false, '0.1.0'));
    }

    /** @testdox The extension under test is the module's version */
    #[\PHPUnit\Framework\Attributes\TestDox('The extension under test is the module\'s version')]
    public function testTheLoadedExtensionMatchesTheModule(): void
    {
        self::assertSame(Version::VERSION, AFLEXI_MODULE_VERSION);
        self::assertSame(AFLEXI_MODULE_VERSION, phpversion('aflexi'));
        self::assertNull(Extension::problem());
    }
}
