<?php
/**
 * The publisher's display name has one rule (WHMCS\Module\Server\Aflexi\ClientName): the
 * addon's sync names a publisher as the server module's Create does, "First Last", else the
 * company, else the e-mail address (before, the addon sent an empty name for a client with
 * neither name nor company, where the module sent the e-mail address).
 */

declare(strict_types=1);

namespace AflexiAddonTests;

use AflexiAddonTests\Support\AddonTestCase;
use WHMCS\Module\Server\Aflexi\ServiceData;
use WhmcsHarness\Fixtures;

final class DisplayNameTest extends AddonTestCase
{
    public function testTheSyncNamesAPublisherAsTheModuleCreateDoes(): void
    {
        $product = $this->product();
        $clients = [
            'Ann Lee' => ['firstname' => 'Ann', 'lastname' => 'Lee', 'companyname' => 'Acme Ltd', 'email' => 'ann@example.com'],
            'Acme Ltd' => ['firstname' => '', 'lastname' => '', 'companyname' => 'Acme Ltd', 'email' => 'acme@example.com'],
            'only@example.com' => ['firstname' => '', 'lastname' => '', 'companyname' => '', 'email' => 'only@example.com'],
        ];
        $services = [];
        foreach ($clients as $name => $fields) {
            $services[$name] = $this->activeService($product, ['userid' => Fixtures::client($fields)]);
        }

        $this->saveAndApply([$product]);

        foreach ($services as $name => $service) {
            self::assertSame($name, $this->publisher($this->usernameOf($service))['name'] ?? null, "the publisher of $name");
            self::assertSame($name, ServiceData::fromServiceId($service)?->displayName(), 'the name the module\'s Create sends');
        }
    }
}
