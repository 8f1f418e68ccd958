"""Registry entries for autoencoders, VAE and GAN.

The dense "autoencoder" and "deep_autoencoder" live in the core registry. The GAN players
are listed for ``jaxnets summary``; a GAN is trained with :func:`jaxnets.train.fit_gan`
(two players, two optimizers), not with ``jaxnets train``.
"""

from jaxnets.models._autoencoders import ConvAutoencoder, DenoisingAutoencoder, SparseAutoencoder
from jaxnets.models._gan import DCGANDiscriminator, DCGANGenerator, MLPDiscriminator, MLPGenerator
from jaxnets.models._spec import ModelSpec
from jaxnets.models._vae import VAE

# Codes z fed to the generators in summaries; jaxnets.train.fit_gan takes its own latent_dim.
GAN_LATENT = 64
_GAN_NOTE = "(summary only: train GANs with jaxnets.train.fit_gan, not `jaxnets train`)"

SPECS: dict[str, ModelSpec] = {
    "sparse_autoencoder": ModelSpec(
        lambda num_classes, **kw: SparseAutoencoder(**kw),
        "logistic",
        (784,),
        target="input",
        description="dense autoencoder 784-64-784 with an L1 penalty on the code",
    ),
    "denoising_autoencoder": ModelSpec(
        lambda num_classes, **kw: DenoisingAutoencoder(**kw),
        "logistic",
        (784,),
        target="input",
        description="dense autoencoder 784-32-784 trained on masked inputs (30%)",
    ),
    "conv_autoencoder": ModelSpec(
        lambda num_classes, **kw: ConvAutoencoder(**kw),
        "logistic",
        (28, 28, 1),
        target="input",
        description="strided-conv encoder, 32-unit code, transposed-conv decoder",
    ),
    "vae": ModelSpec(
        lambda num_classes, **kw: VAE(**kw),
        "logistic",
        (28, 28, 1),
        target="input",
        description="variational autoencoder 784-256-(16+16) | 16-256-784; loss = -ELBO",
    ),
    "gan_generator": ModelSpec(
        lambda num_classes, **kw: MLPGenerator(**kw),
        "logistic",
        (GAN_LATENT,),
        target="input",
        description=f"MLP GAN generator 64-256-784 {_GAN_NOTE}",
    ),
    "gan_discriminator": ModelSpec(
        lambda num_classes, **kw: MLPDiscriminator(**kw),
        "logistic",
        (28, 28, 1),
        target="input",
        description=f"MLP GAN discriminator 784-256-1 {_GAN_NOTE}",
    ),
    "dcgan_generator": ModelSpec(
        lambda num_classes, **kw: DCGANGenerator(**kw),
        "logistic",
        (GAN_LATENT,),
        target="input",
        description=f"DCGAN generator 64 -> 7x7x32 -> 14x14x16 -> 28x28x1 {_GAN_NOTE}",
    ),
    "dcgan_discriminator": ModelSpec(
        lambda num_classes, **kw: DCGANDiscriminator(**kw),
        "logistic",
        (28, 28, 1),
        target="input",
        description=f"DCGAN discriminator 28x28x1 -> 14x14x16 -> 7x7x32 -> 1 {_GAN_NOTE}",
    ),
}
