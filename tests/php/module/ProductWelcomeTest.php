<?php
/**
 * The module offers its welcome template to an Aflexi product once: a product
 * that starts using the module without a welcome e-mail gets it; an admin who then sets
 * "None" (stored as 0, like "never set") keeps it through ProductEdit and Module Settings.
 */

declare(strict_types=1);

use AflexiModuleTests\Support\ModuleTestCase;
use WHMCS\Database\Capsule;
use WHMCS\Module\Server\Aflexi\WelcomeTemplate;

final class ProductWelcomeTest extends ModuleTestCase
{
    /** @testdox ProductEdit gives a new Aflexi product the welcome template once, and keeps an admin's "None" */
    #[\PHPUnit\Framework\Attributes\TestDox('ProductEdit gives a new Aflexi product the welcome template once, and keeps an admin\'s "None"')]
    public function testProductEditKeepsAnAdminsNoWelcomeEmail(): void
    {
        $product = $this->product('CDN Gold', 'gold', ['welcomeemail' => 0]);

        run_hook('ProductEdit', ['pid' => $product, 'welcomeemail' => 0]);
        $template = WelcomeTemplate::install();
        self::assertSame($template, $this->welcomeEmail($product), 'offered once');

        Capsule::table('tblproducts')->where('id', $product)->update(['welcomeemail' => 0]); // the admin picks "None"
        run_hook('ProductEdit', ['pid' => $product, 'welcomeemail' => 0]);
        aflexi_ConfigOptions();
        self::assertSame(0, $this->welcomeEmail($product), 'the admin\'s choice stays');

        $another = $this->product('CDN Silver', 'silver', ['welcomeemail' => 0]);
        aflexi_ConfigOptions();
        self::assertSame($template, $this->welcomeEmail($another), 'a product new to the module is still offered it');
        self::assertSame(0, $this->welcomeEmail($product));
    }

    private function welcomeEmail(int $product): int
    {
        return (int) Capsule::table('tblproducts')->where('id', $product)->value('welcomeemail');
    }
}
